/**
 * The ready-made clients against real servers on loopback: the HTTP JSON mapping (status
 * classes, timeouts, refused connections) and the JSON-lines process client with the
 * example's Python client talking to the example's Python server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpJsonClient } from '../../src/clients/http-json.js';
import { processClient } from '../../src/clients/process-client.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import type { TestOptions } from '../../src/core/test.js';
import type { TestRuntime } from '../../src/cluster/test-runtime.js';
import { repoRoot } from '../helpers/cli.js';

let server: http.Server;
let port = 0;
const test = (p: number): TestRuntime => ({
  runId: 't',
  runDir: '/tmp',
  options: { opTimeoutMs: 1000 } as TestOptions,
  cluster: { address: () => ({ host: '127.0.0.1', port: p }) } as unknown as Cluster,
  log: pino({ level: 'silent' }),
  now: () => 0,
});
const signal = () => new AbortController().signal;

beforeAll(async () => {
  // Answers with the status named in the path; /slow never answers.
  server = http.createServer((req, res) => {
    if (req.url === '/slow') return;
    const status = Number(req.url?.slice(1));
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ value: 42, error: 'nope' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('httpJsonClient', () => {
  const client = httpJsonClient({
    timeoutMs: 300,
    operations: {
      read: { path: (v: string) => `/${v}`, value: (res) => (res.body as { value: number }).value },
      write: { method: 'PUT', path: (v: string) => `/${v}`, body: () => ({}) },
      cas: { method: 'POST', path: (v: string) => `/${v}`, body: () => ({}), result: (res) => (res.status === 409 ? { type: 'fail', error: 'mismatch' } : undefined) },
    },
  });
  const run = async (f: string, value: string, p = port) => (await client.open(test(p), 'n1')).invoke(test(p), { f, value, process: 0 }, signal());

  it('2xx is ok, with the mapped value', async () => {
    expect(await run('read', '200')).toEqual({ type: 'ok', value: 42 });
    expect(await run('write', '204')).toMatchObject({ type: 'ok', value: '204' });
  });
  it('4xx is a definite fail, 5xx is info for writes and fail for reads', async () => {
    expect(await run('write', '400')).toMatchObject({ type: 'fail', error: 'http 400: nope' });
    expect(await run('write', '503')).toMatchObject({ type: 'info' });
    expect(await run('read', '503')).toMatchObject({ type: 'fail' });
  });
  it('a custom rule wins over the defaults', async () => {
    expect(await run('cas', '409')).toMatchObject({ type: 'fail', error: 'mismatch' });
  });
  it('a timeout is info; a refused connection is fail', async () => {
    expect(await run('write', 'slow')).toMatchObject({ type: 'info', error: expect.stringMatching(/^timeout/) });
    expect(await run('write', '200', 1)).toMatchObject({ type: 'fail', error: expect.stringMatching(/^connect/) });
  });
  it('an operation without a mapping fails clearly', async () => {
    expect(await run('delete', '200')).toMatchObject({ type: 'fail', error: 'no HTTP mapping for operation "delete"' });
  });
});

describe('processClient (JSON lines) with a Python client and server', () => {
  let py: ChildProcess;
  const pyPort = 17_100 + (process.pid % 500);
  const dataDir = mkdtempSync(join(tmpdir(), 'fl-test-pykv-'));
  const example = join(repoRoot, 'examples', 'python-kv');

  beforeAll(async () => {
    py = spawn('python3', [join(example, 'server.py'), '--port', String(pyPort), '--data', dataDir, '--durable'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => py.stdout!.once('data', () => resolve()));
  });
  afterAll(() => {
    py.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends ops to the program and records its answers', async () => {
    const t = test(pyPort);
    const c = await processClient({ command: ['python3', 'client.py'], cwd: example }).open(t, 'n1');
    expect(await c.invoke(t, { f: 'write', value: ['a', 1], process: 0 }, signal())).toEqual({ type: 'ok', value: ['a', 1] });
    expect(await c.invoke(t, { f: 'read', value: ['a', null], process: 0 }, signal())).toEqual({ type: 'ok', value: ['a', 1] });
    expect(await c.invoke(t, { f: 'cas', value: ['a', [5, 6]], process: 0 }, signal())).toMatchObject({ type: 'fail', error: 'http 409' });
    // Several ops in flight at once are matched to their answers by id.
    const both = await Promise.all([
      c.invoke(t, { f: 'cas', value: ['a', [1, 2]], process: 0 }, signal()),
      c.invoke(t, { f: 'read', value: ['b', null], process: 0 }, signal()),
    ]);
    expect(both).toEqual([{ type: 'ok', value: ['a', [1, 2]] }, { type: 'ok', value: ['b', null] }]);
    await c.close(t);
  });

  it('a program that dies makes its op info, and is started again', async () => {
    const t = test(pyPort);
    const script = 'import sys,json\nfor l in sys.stdin:\n  r=json.loads(l)\n  if r["value"]=="die": sys.exit(3)\n  print(json.dumps({"id":r["id"],"type":"ok"}),flush=True)';
    const c = await processClient({ command: ['python3', '-c', script] }).open(t, 'n1');
    expect(await c.invoke(t, { f: 'x', value: 'die', process: 0 }, signal())).toMatchObject({ type: 'info', error: 'client program exited (3)' });
    expect(await c.invoke(t, { f: 'x', value: 'fine', process: 0 }, signal())).toEqual({ type: 'ok', value: 'fine' });
    await c.close(t);
  });

  it('an answer that does not come before the runner aborts is info', async () => {
    const t = test(pyPort);
    const c = await processClient({ command: ['python3', '-c', 'import time\ntime.sleep(30)'] }).open(t, 'n1');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    expect(await c.invoke(t, { f: 'x', value: 1, process: 0 }, ac.signal)).toMatchObject({ type: 'info', error: 'client program did not answer in time' });
    await c.close(t);
  });
});
