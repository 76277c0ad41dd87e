/**
 * Test helpers: build the kv server when its sources changed, and run a cluster of real
 * server processes on 127.0.0.1 (one port per node instead of one IP per node).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpRequest, type HttpResponse } from '../../src/clients/http-transport.js';
import { sleep } from '../helpers/wait.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SERVER_JS = path.join(REPO_ROOT, 'dist', 'src', 'systems', 'kv', 'server.js');

const SOURCES = [
  path.join(REPO_ROOT, 'src', 'systems', 'kv'),
  path.join(REPO_ROOT, 'src', 'systems', 'http-server.ts'),
  path.join(REPO_ROOT, 'src', 'systems', 'durable-log.ts'),
  path.join(REPO_ROOT, 'src', 'clients', 'http-transport.ts'),
];

function sourceFiles(): string[] {
  const out: string[] = [];
  for (const s of SOURCES) {
    if (fs.statSync(s).isDirectory()) {
      for (const f of fs.readdirSync(s)) if (f.endsWith('.ts')) out.push(path.join(s, f));
    } else {
      out.push(s);
    }
  }
  return out;
}

function distFor(src: string): string {
  return path.join(REPO_ROOT, 'dist', path.relative(REPO_ROOT, src)).replace(/\.ts$/, '.js');
}

function isFresh(): boolean {
  return sourceFiles().every((src) => {
    const out = distFor(src);
    return fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(src).mtimeMs;
  });
}

/**
 * Compile with the project's build config unless every kv output is newer than its source.
 * tsc exits non-zero when *other* files of the repo have type errors but still emits, so a
 * failed exit only counts if our outputs did not come out fresh.
 */
export function ensureBuilt(): void {
  if (isFresh()) return;
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
  } catch (e) {
    if (!isFresh()) {
      const out = e instanceof Error && 'stdout' in e ? String((e as { stdout: unknown }).stdout) : String(e);
      throw new Error(`building the kv server failed:\n${out}`);
    }
  }
}

/** A port that was free a moment ago (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

// Every process we start, so that a failing test cannot leak servers.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export interface TestNode {
  id: string;
  port: number;
  dataDir: string;
  proc: ChildProcess | undefined;
  output: string;
}

export class TestCluster {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  private constructor(
    readonly variant: 'careful' | 'naive',
    readonly nodes: TestNode[],
    readonly root: string,
    private readonly extraArgs: string[],
  ) {}

  static async start(variant: 'careful' | 'naive', extraArgs: string[] = [], ids = ['n1', 'n2', 'n3']): Promise<TestCluster> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `fl-kv-${variant}-`));
    const nodes: TestNode[] = [];
    for (const id of ids) nodes.push({ id, port: await freePort(), dataDir: path.join(root, id), proc: undefined, output: '' });
    const cluster = new TestCluster(variant, nodes, root, extraArgs);
    try {
      await Promise.all(ids.map((id) => cluster.startNode(id)));
    } catch (e) {
      await cluster.destroy();
      throw e;
    }
    return cluster;
  }

  node(id: string): TestNode {
    const n = this.nodes.find((x) => x.id === id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  url(id: string): string {
    return `http://127.0.0.1:${this.node(id).port}`;
  }

  /** Spawn the node (again, keeping its data dir) and wait until /health answers. */
  async startNode(id: string): Promise<void> {
    const n = this.node(id);
    const spec = this.nodes.map((x) => `${x.id}=127.0.0.1:${x.port}`).join(',');
    const proc = spawn(
      process.execPath,
      [SERVER_JS, '--id', id, '--nodes', spec, '--port', String(n.port), '--host', '127.0.0.1',
        '--data-dir', n.dataDir, '--variant', this.variant, ...this.extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    live.add(proc);
    n.proc = proc;
    const collect = (c: Buffer): void => {
      n.output += c.toString('utf8');
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    proc.once('exit', () => live.delete(proc));

    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`node ${id} exited during startup (${proc.exitCode ?? proc.signalCode}):\n${n.output}`);
      }
      try {
        const r = await httpRequest(this.url(id), '/health', undefined, { timeoutMs: 500, method: 'GET', agent: this.agent });
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(20);
    }
    throw new Error(`node ${id} not healthy after 5 s:\n${n.output}`);
  }

  /** Send a signal; for SIGKILL/SIGTERM wait until the process is gone. */
  async signal(id: string, sig: NodeJS.Signals): Promise<void> {
    const proc = this.node(id).proc;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(sig);
    if (sig === 'SIGKILL' || sig === 'SIGTERM') await gone;
  }

  request(id: string, path: string, body: unknown, timeoutMs = 3000): Promise<HttpResponse> {
    return httpRequest(this.url(id), path, body, { timeoutMs, agent: this.agent });
  }

  read(id: string, key: string): Promise<HttpResponse> {
    return this.request(id, '/read', { key });
  }

  write(id: string, key: string, value: number | null): Promise<HttpResponse> {
    return this.request(id, '/write', { key, value });
  }

  cas(id: string, key: string, from: number | null, to: number | null): Promise<HttpResponse> {
    return this.request(id, '/cas', { key, from, to });
  }

  /** Kill everything (SIGCONT first, so a paused node can die) and remove the data dirs. */
  async destroy(): Promise<void> {
    for (const n of this.nodes) {
      const p = n.proc;
      if (p === undefined || p.exitCode !== null || p.signalCode !== null) continue;
      p.kill('SIGCONT');
      const gone = new Promise<void>((resolve) => p.once('exit', () => resolve()));
      p.kill('SIGKILL');
      await gone;
    }
    this.agent.destroy();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
