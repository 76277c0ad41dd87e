/**
 * Porcupine's own CheckEvents on the same files, for the benchmark to print side by side.
 * Builds bench/porcupine/main.go (our driver) in a temporary directory against a
 * Porcupine checkout the user provides: $PORCUPINE_SRC, or /tmp/faultline-bench/porcupine.
 * The benchmark never fetches anything itself (it sends no traffic off this machine), and
 * nothing of Porcupine enters the repository. Any missing piece is reported as a sentence
 * instead of figures.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PorcupineTimes {
  perFile: Map<string, { ms: number; verdict: string; undecided: number }>;
  note: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
// The driver's source stays in bench/porcupine/ whether this runs from dist/ or not.
const driverSource = (): string => {
  for (const dir of [path.resolve(here, 'porcupine'), path.resolve(here, '../../bench/porcupine')]) {
    if (existsSync(path.join(dir, 'main.go'))) return path.join(dir, 'main.go');
  }
  throw new Error('bench/porcupine/main.go not found');
};

const WORK = '/tmp/faultline-bench';

function run(cmd: string, args: string[], cwd?: string, env?: NodeJS.ProcessEnv): string {
  return execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
}

function porcupineSource(): string | undefined {
  const candidates = [process.env.PORCUPINE_SRC, path.join(WORK, 'porcupine')].filter((x): x is string => !!x);
  for (const dir of candidates) {
    if (existsSync(path.join(dir, 'go.mod')) && readFileSync(path.join(dir, 'go.mod'), 'utf8').includes('anishathalye/porcupine')) return dir;
  }
  return undefined;
}

/**
 * Times Porcupine on `files` (relative to `dataDir`). kv files are checked one key at a
 * time with `perKeyTimeoutS` each, so every key gets a verdict as in our full report.
 */
export async function runPorcupine(dataDir: string, files: readonly string[], perKeyTimeoutS = 10): Promise<PorcupineTimes | string> {
  let goVersion: string;
  try {
    goVersion = run('go', ['version']).trim();
  } catch {
    return 'not run: Go is not installed (apt-get install -y golang-go); figures to compare are quoted in issue 3';
  }
  const src = porcupineSource();
  if (src === undefined) return 'not run: no Porcupine checkout (set PORCUPINE_SRC to a local copy of its source, or put one in /tmp/faultline-bench/porcupine)';
  const build = path.join(WORK, 'driver');
  mkdirSync(build, { recursive: true });
  copyFileSync(driverSource(), path.join(build, 'main.go'));
  writeFileSync(
    path.join(build, 'go.mod'),
    `module faultline/porcupine-driver\n\ngo 1.16\n\nrequire github.com/anishathalye/porcupine v0.0.0\n\nreplace github.com/anishathalye/porcupine => ${src}\n`,
  );
  try {
    run('go', ['build', '-o', 'driver', '.'], build, { GOFLAGS: '-mod=mod', GOPROXY: 'off' });
  } catch (e) {
    const err = (e as { stderr?: string }).stderr ?? String(e);
    return `not run: building the Porcupine driver failed: ${err.split('\n').find((l) => l.trim() !== '') ?? 'unknown error'}`;
  }
  let commit = '';
  try {
    commit = run('git', ['-C', src, 'rev-parse', '--short', 'HEAD']).trim();
  } catch {
    // not a git checkout (an archive): no commit to name
  }
  const perFile = new Map<string, { ms: number; verdict: string; undecided: number }>();
  const etcd = files.filter((f) => f.endsWith('.log'));
  const kv = files.filter((f) => !f.endsWith('.log'));
  const parse = (out: string): void => {
    for (const line of out.trim().split('\n').filter((l) => l !== '')) {
      const r = JSON.parse(line) as { file: string; ms: number; result: string; undecided: number };
      perFile.set(r.file, { ms: r.ms, verdict: r.result, undecided: r.undecided });
    }
  };
  if (etcd.length > 0) parse(run(path.join(build, 'driver'), ['-timeout', '60s', dataDir, ...etcd]));
  if (kv.length > 0) parse(run(path.join(build, 'driver'), ['-per-key', '-timeout', `${perKeyTimeoutS}s`, dataDir, ...kv]));
  return {
    perFile,
    note: `Porcupine ${commit || '(checkout)'} CheckEventsTimeout built with ${goVersion}; kv files one key at a time, ${perKeyTimeoutS} s per key`,
  };
}
