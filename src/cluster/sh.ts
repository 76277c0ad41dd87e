/**
 * Runs the small system commands the backends need (ip, iptables, unshare) with one
 * place that turns a failure into a readable error. Every wait is bounded: a command that
 * exits while something it left behind (a `setsid` child) still holds its output pipe is
 * done once it has exited and its output had a moment to drain, and one that outlives its
 * time limit is killed (SIGTERM, then SIGKILL).
 */
import { spawn } from 'node:child_process';
import { FaultlineError } from '../core/errors.js';
import type { ExecResult } from './cluster.js';

/** After the command exits, how long its output may take to reach end of file. */
const DRAIN_MS = 500;
/** After SIGTERM on timeout or cancel, how long before SIGKILL. */
const KILL_AFTER_MS = 2000;

/** Runs a command and resolves with its result whatever the exit code; `signal` stops it early. */
export async function run(cmd: readonly string[], timeoutMs = 30_000, signal?: AbortSignal): Promise<ExecResult> {
  const [file, ...args] = cmd;
  if (file === undefined) throw new Error('empty command');
  const r = await spawnBounded(file, args, timeoutMs, signal);
  if (r.why !== undefined) throw new FaultlineError(`command failed: ${cmd.join(' ')}: ${r.why}`);
  return { exitCode: r.exitCode, stdout: stripFinalNewline(r.stdout), stderr: stripFinalNewline(r.stderr) };
}

/** Runs a command and throws a one-line error if it exits non-zero. */
export async function must(cmd: readonly string[], timeoutMs?: number): Promise<string> {
  const r = await run(cmd, timeoutMs);
  if (r.exitCode !== 0) {
    const why = (r.stderr || r.stdout).trim().split('\n')[0] ?? '';
    throw new FaultlineError(`command failed (exit ${r.exitCode}): ${cmd.join(' ')}: ${why}`);
  }
  return r.stdout;
}

function stripFinalNewline(s: string): string {
  return s.endsWith('\r\n') ? s.slice(0, -2) : s.endsWith('\n') ? s.slice(0, -1) : s;
}

interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the command did not run to its own end: not started, timed out, interrupted. */
  why?: string;
}

function spawnBounded(file: string, args: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<Outcome> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ exitCode: 1, stdout: '', stderr: '', why: 'interrupted' });
    const child = spawn(file, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    let why: string | undefined;
    let exitCode = 1;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const stop = (reason: string) => {
      why ??= reason;
      child.kill('SIGTERM');
      timers.push(setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS));
    };
    const onAbort = () => stop('interrupted');
    signal?.addEventListener('abort', onAbort, { once: true });
    timers.push(setTimeout(() => stop(`timed out after ${timeoutMs} ms`), timeoutMs));
    const finish = () => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
      // Whatever still holds the pipes is not waited for.
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ...(why !== undefined ? { why } : {}) });
    };
    child.once('error', (e) => {
      why ??= e.message;
      finish();
    });
    child.once('exit', (code, sig) => {
      exitCode = code ?? 1;
      if (code === null) why ??= `killed by ${sig}`;
      let open = 2;
      const closed = () => --open === 0 && finish();
      if (child.stdout.readableEnded || child.stdout.destroyed) closed();
      else child.stdout.once('close', closed);
      if (child.stderr.readableEnded || child.stderr.destroyed) closed();
      else child.stderr.once('close', closed);
      timers.push(setTimeout(finish, DRAIN_MS));
    });
  });
}
