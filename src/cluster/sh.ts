/**
 * Runs the small system commands the backends need (ip, iptables, unshare) with one
 * place that turns a failure into a readable error.
 */
import { execa } from 'execa';
import { FaultlineError } from '../core/errors.js';
import type { ExecResult } from './cluster.js';

/** Runs a command and resolves with its result whatever the exit code; `signal` stops it early. */
export async function run(cmd: readonly string[], timeoutMs = 30_000, signal?: AbortSignal): Promise<ExecResult> {
  const [file, ...args] = cmd;
  if (file === undefined) throw new Error('empty command');
  const r = await execa(file, args, { reject: false, timeout: timeoutMs, stdin: 'ignore', ...(signal ? { cancelSignal: signal } : {}) });
  if (r.failed && r.exitCode === undefined) {
    // Not started at all (ENOENT), timed out or cancelled: name the command.
    const why = r.isCanceled ? 'interrupted' : r.timedOut ? `timed out after ${timeoutMs} ms` : (r.originalMessage ?? r.shortMessage);
    throw new FaultlineError(`command failed: ${cmd.join(' ')}: ${why}`);
  }
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
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
