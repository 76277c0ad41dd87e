/** Runs the real `faultline` CLI (compiled by the global setup) as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/faultline.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startCli(args: readonly string[], env?: Record<string, string>): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** `env` is added to this process' environment for the child. */
export function cli(args: readonly string[], env?: Record<string, string>): Promise<CliResult> {
  return startCli(args, env).done;
}

/** The run directory a `faultline run` printed ("output in <dir>"). */
export function runDirOf(output: string): string {
  const m = /output in (\S+)/.exec(output);
  if (!m) throw new Error(`no run directory in output:\n${output}`);
  return m[1]!;
}
