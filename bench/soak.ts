/**
 * `npm run bench:soak`: interrupted runs leave nothing behind and lose no history.
 *
 * 20 short register runs (half local, half Docker), each cut by one drawn action — Ctrl-C,
 * Ctrl-C twice, SIGKILL of the harness, SIGKILL of a node, or nothing — at a drawn moment.
 * After each, `faultline clean`, then a search by the run's id for anything it created:
 * namespaces, the host veth, iptables rules, processes, Docker containers and networks,
 * the temp dir. Every run whose directory exists is re-checked with `faultline check`:
 * its history must be readable (a verdict, 0–2), whatever cut it.
 *
 * Prints one line per run and exits 1 if any run left something or lost its history.
 * SOAK_RUNS (default 20) and SOAK_SEED (default 1) change the draw; SOAK_BACKENDS=local
 * skips Docker.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.js';
import { stateDirPath } from '../src/core/state-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'bin', 'faultline.js');
const RUNS = Number(process.env.SOAK_RUNS ?? 20);
const SEED = Number(process.env.SOAK_SEED ?? 1);
const BACKENDS = (process.env.SOAK_BACKENDS ?? 'local,docker').split(',');
const TIME_LIMIT = 8;

const ACTIONS = ['ctrl-c', 'ctrl-c-twice', 'kill-harness', 'kill-node', 'none'] as const;
type Action = (typeof ACTIONS)[number];

const sh = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 });
  } catch {
    return '';
  }
};

/** Resolves with the exit code (or signal name) once the child is gone, at most `ms` later. */
function exited(child: ChildProcess, ms: number): Promise<string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(String(child.exitCode ?? child.signalCode));
    const t = setTimeout(() => resolve('still running'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(t);
      resolve(String(code ?? signal));
    });
  });
}

/** The run directory and id a harness created under `out`, once test.json exists. */
function runOf(out: string): { dir: string; id: string } | undefined {
  const base = join(out, 'register');
  if (!existsSync(base)) return undefined;
  for (const d of readdirSync(base)) {
    const f = join(base, d, 'test.json');
    if (!existsSync(f)) continue;
    try {
      return { dir: join(base, d), id: (JSON.parse(readFileSync(f, 'utf8')) as { runId: string }).runId };
    } catch {
      // Being written: try again on the next poll.
    }
  }
  return undefined;
}

/** Everything on this machine that carries run `id`: what a clean run leaves is nothing. */
function leftovers(id: string): string[] {
  const found: string[] = [];
  for (const ns of sh('ip', ['netns', 'list']).split('\n')) if (ns.startsWith(`fl-${id}-`)) found.push(`namespace ${ns.split(' ')[0]}`);
  if (sh('ip', ['link', 'show', `fl${id}h`]).trim()) found.push(`link fl${id}h`);
  const rules = sh('iptables-save', []).split('\n').filter((l) => l.includes(`fl${id}`) || l.includes(`fl-${id}`));
  if (rules.length) found.push(`${rules.length} iptables rule(s)`);
  const procs = sh('pgrep', ['-af', `fl-${id}`]).split('\n').filter((l) => l.trim() && !l.includes('pgrep'));
  if (procs.length) found.push(`${procs.length} process(es)`);
  const containers = sh('docker', ['ps', '-aq', '--filter', `label=faultline.run=${id}`]).split('\n').filter(Boolean);
  if (containers.length) found.push(`${containers.length} docker container(s)`);
  const networks = sh('docker', ['network', 'ls', '-q', '--filter', `label=faultline.run=${id}`]).split('\n').filter(Boolean);
  if (networks.length) found.push(`${networks.length} docker network(s)`);
  // Temp dirs are made by mkdtemp: fl-<run id>-<random>.
  for (const d of readdirSync(tmpdir())) if (d.startsWith(`fl-${id}-`)) found.push(`temp dir ${join(tmpdir(), d)}`);
  const record = join(stateDirPath(), 'runs', `${id}.json`);
  if (existsSync(record)) found.push(`run record ${record}`);
  return found;
}

/** Kills one node of the run with SIGKILL, behind the harness' back. */
function killNode(id: string, backend: string): string {
  if (backend === 'docker') {
    const c = sh('docker', ['ps', '-q', '--filter', `label=faultline.run=${id}`]).split('\n').filter(Boolean)[0];
    if (c) sh('docker', ['kill', '--signal', 'KILL', c]);
    return c ? 'container' : 'none found';
  }
  const pids = sh('ip', ['netns', 'pids', `fl-${id}-n1`]).split('\n').filter(Boolean);
  for (const p of pids) sh('kill', ['-9', p]);
  return `${pids.length} pid(s)`;
}

async function soakOne(i: number, draw: (n: number) => number): Promise<boolean> {
  const backend = BACKENDS[i % BACKENDS.length]!;
  const action: Action = ACTIONS[draw(ACTIONS.length)]!;
  const at = 1 + draw(Math.max(1, TIME_LIMIT - 2) * 10) / 10;
  const out = mkdtempSync(join(tmpdir(), 'faultline-soak-'));
  const child = spawn(process.execPath, [CLI, 'run', 'register', '--backend', backend, '--time-limit', String(TIME_LIMIT), '--seed', String(i + 1), '--out', out, '--quiet'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  // Wait for the run to exist (its id is what the search needs), bounded.
  let run: { dir: string; id: string } | undefined;
  for (let t = 0; t < 600 && !run && child.exitCode === null; t++) {
    await new Promise((r) => setTimeout(r, 100));
    run = runOf(out);
  }
  await new Promise((r) => setTimeout(r, at * 1000));
  let did: string = action;
  if (child.exitCode === null) {
    if (action === 'ctrl-c') child.kill('SIGINT');
    if (action === 'ctrl-c-twice') {
      child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGINT');
    }
    if (action === 'kill-harness') child.kill('SIGKILL');
    if (action === 'kill-node' && run) did = `kill-node (${killNode(run.id, backend)})`;
  }
  const code = await exited(child, 120_000);
  if (code === 'still running') child.kill('SIGKILL');
  run ??= runOf(out);
  sh(process.execPath, [CLI, 'clean']);
  const left = run ? leftovers(run.id) : ['no run directory: id unknown'];
  let recheck = 'no run dir';
  let lost = false;
  if (run) {
    try {
      execFileSync(process.execPath, [CLI, 'check', run.dir], { stdio: 'ignore', timeout: 120_000 });
      recheck = 'VALID';
    } catch (e) {
      const status = (e as { status?: number }).status;
      recheck = status === 1 ? 'INVALID' : status === 2 ? 'UNKNOWN' : `error (exit ${status})`;
      lost = status !== 1 && status !== 2;
    }
  }
  const ok = left.length === 0 && !lost && code !== 'still running';
  console.log(
    `${String(i + 1).padStart(2)}  ${backend.padEnd(6)}  ${did.padEnd(24)}  at ${at.toFixed(1).padStart(4)} s  harness exit ${code.padEnd(7)}  left: ${left.length ? left.join(', ') : 'nothing'}  re-check: ${recheck}${ok ? '' : '  <-- FAIL'}`,
  );
  if (!ok && stderr) console.log(`    harness said: ${stderr.trim().split('\n').slice(-2).join(' | ')}`);
  rmSync(out, { recursive: true, force: true });
  return ok;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('bench:soak needs root (it inspects namespaces and iptables of every run); skipped');
    return;
  }
  if (BACKENDS.includes('docker') && !sh('docker', ['version', '--format', '{{.Server.Version}}']).trim()) {
    console.log('no Docker engine answers: run with SOAK_BACKENDS=local, or start dockerd');
    process.exitCode = 1;
    return;
  }
  console.log(`soak: ${RUNS} register runs of ${TIME_LIMIT} s on ${BACKENDS.join(' and ')}, each cut by a drawn action (seed ${SEED})`);
  // The generator's RNG is immutable (each draw returns the next state): keep the latest.
  let rng = Rng.seeded(SEED);
  const draw = (n: number): number => {
    const [v, next] = rng.int(n);
    rng = next;
    return v;
  };
  let failed = 0;
  for (let i = 0; i < RUNS; i++) if (!(await soakOne(i, draw))) failed++;
  console.log(`soak: ${RUNS - failed} of ${RUNS} runs left nothing and kept a re-checkable history`);
  if (failed) process.exitCode = 1;
}

await main();
