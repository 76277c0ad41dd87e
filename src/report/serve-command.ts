/** `faultline serve [--port N] [reports-dir]`: serve until Ctrl-C, then exit 0. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { parseCli } from '../core/cli-args.js';
import { serveReports } from './serve.js';

const DEFAULT_PORT = 7070;

export async function serveCommand(args: string[], out: NodeJS.WritableStream = process.stderr): Promise<number> {
  const { values, positionals } = parseCli({ args, allowPositionals: true, strict: true, options: { port: { type: 'string' } } });
  if (positionals.length > 1) throw new UsageError('usage: faultline serve [--port N] [reports-dir]');
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  const root = resolve(positionals[0] ?? 'reports');
  if (!existsSync(root)) throw new UsageError(`${root} does not exist; pass the --out directory of your runs (default: reports)`);
  let srv;
  try {
    srv = await serveReports(root, port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'EADDRINUSE' ? `port ${port} is in use; pick another with --port` : `cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`);
  }
  out.write(`faultline: serving runs in ${root} at ${srv.url} (Ctrl-C to stop)\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await srv.close();
  return 0;
}
