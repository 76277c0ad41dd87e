/**
 * A client written in any language: a program that reads one JSON request per line on
 * stdin and answers one JSON line per request on stdout.
 *
 *   request:  {"id": 7, "f": "write", "value": ["k1", 3], "process": 2,
 *              "node": "n2", "host": "10.213.5.12", "port": 7000}
 *   response: {"id": 7, "type": "ok" | "fail" | "info", "value": …, "error": "…"}
 *
 * One program runs per worker thread, for the whole test. It may answer out of order.
 * A missing answer (timeout), a malformed line or a crashed program make the op `info`
 * (the program may have done it); a crashed program is started again for the next op.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { Client, ClientOp, ClientResult } from './client.js';

export interface ProcessClientConfig {
  /** argv of the client program, e.g. ["python3", "client.py"]. */
  command: readonly string[];
  cwd?: string;
  env?: Readonly<Record<string, string>>;
}

interface Pending {
  resolve: (r: ClientResult) => void;
  value: unknown;
}

class ProcessClient implements Client {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly config: ProcessClientConfig,
    private readonly node?: string,
  ) {}

  async open(_test: TestRuntime, node: string): Promise<Client> {
    return new ProcessClient(this.config, node);
  }

  async setup(): Promise<void> {}

  private start(test: TestRuntime): ChildProcessWithoutNullStreams {
    const [file, ...args] = this.config.command;
    const child = spawn(file!, args, {
      cwd: this.config.cwd,
      env: { ...process.env, ...this.config.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line, test));
    createInterface({ input: child.stderr }).on('line', (line) => test.log.info({ client: this.node, stderr: line }));
    const gone = (why: string) => {
      if (this.child === child) this.child = undefined;
      for (const p of this.pending.values()) p.resolve({ type: 'info', value: p.value, error: `client program ${why}` });
      this.pending.clear();
    };
    child.on('exit', (code, signal) => gone(`exited (${code ?? signal})`));
    child.on('error', (e) => gone(`failed to start: ${e.message}`));
    child.stdin.on('error', () => undefined); // EPIPE after a crash is reported through 'exit'
    return child;
  }

  private onLine(line: string, test: TestRuntime): void {
    if (line.trim() === '') return;
    let msg: { id?: unknown; type?: unknown; value?: unknown; error?: unknown };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      test.log.warn({ client: this.node, line }, 'client program printed a line that is not JSON');
      return;
    }
    const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!p) return; // late answer to an op already recorded as timed out
    this.pending.delete(msg.id as number);
    if (msg.type !== 'ok' && msg.type !== 'fail' && msg.type !== 'info') {
      p.resolve({ type: 'info', value: p.value, error: `client program answered type ${JSON.stringify(msg.type)}; expected ok, fail or info` });
      return;
    }
    p.resolve({
      type: msg.type,
      value: 'value' in msg ? msg.value : p.value,
      ...(typeof msg.error === 'string' ? { error: msg.error } : {}),
    });
  }

  invoke(test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    this.child ??= this.start(test);
    const id = this.nextId++;
    const a = test.cluster.address(this.node!);
    return new Promise<ClientResult>((resolve) => {
      this.pending.set(id, { resolve, value: op.value });
      signal.addEventListener(
        'abort',
        () => {
          if (this.pending.delete(id)) resolve({ type: 'info', value: op.value, error: 'client program did not answer in time' });
        },
        { once: true },
      );
      const req = { id, f: op.f, value: op.value, process: op.process, node: this.node, host: a.host, port: a.port };
      this.child!.stdin.write(JSON.stringify(req) + '\n');
    });
  }

  async teardown(): Promise<void> {}

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.stdin.end();
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 1000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

export function processClient(config: ProcessClientConfig): Client {
  return new ProcessClient(config);
}
