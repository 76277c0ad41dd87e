/**
 * `npm run bench:detect`: how often Faultline catches each bug of the zoo (examples/zoo/),
 * run the way a new user runs it: `node bin/faultline.js run --config <file> --variant <v>
 * --seed <s>` with every other option at its default (30 s, partitions and kills). The one
 * exception is quorum-kv, whose bug is a wall clock: it runs with clock faults added, as a
 * user testing a clock-stamped store would ask for.
 *
 * For each bug flag: seeds caught (exit 1, INVALID), and the median time from the start of
 * the run to the first op of the violation (the earliest invocation among the ops the
 * checker names, from results.json and history.jsonl; time to the verdict when a run names
 * none). For each correct mode: false alarms (INVALID verdicts). Runs that end UNKNOWN
 * (exit 2) or in a harness error (3+) are counted apart.
 *
 *   DETECT_SEEDS=1-20 (default), or a list: 3,7,9
 *   DETECT_ONLY=<service>[:<variant>], comma-separated, e.g. cached-kv,feed:retry-forward
 *
 * Slow: 12 configurations × 20 seeds × ~40 s is over two hours on one machine.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

interface ZooService {
  service: string;
  config: string;
  /** Options added to every run of this service. */
  args?: readonly string[];
  bugs: Readonly<Record<string, string>>;
}

export const ZOO: readonly ZooService[] = [
  {
    service: 'cached-kv',
    config: 'examples/zoo/cached-kv/faultline.config.ts',
    bugs: {
      'read-cache': 'stale cache reads after lost invalidations',
      'replica-reads': 'reads from an asynchronous replica',
      'write-behind': 'acknowledged before durable (a kill loses writes)',
    },
  },
  {
    service: 'elect-kv',
    config: 'examples/zoo/elect-kv/faultline.config.ts',
    bugs: {
      'reachable-quorum': 'split brain: a leader per side of a partition',
      'lease-reads': "a read lease that outlives its holder's partition",
    },
  },
  {
    service: 'quorum-kv',
    config: 'examples/zoo/quorum-kv/faultline.config.ts',
    args: ['--nemesis', 'partition,kill,clock'],
    bugs: { 'wall-clock': 'last writer wins on skewed wall clocks' },
  },
  {
    service: 'feed',
    config: 'examples/zoo/feed/faultline.config.ts',
    bugs: {
      'append-by-put': 'read-modify-write across nodes: lost updates',
      'retry-forward': 'non-idempotent retries: appends applied twice',
    },
  },
];

export function parseSeeds(text: string): number[] {
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  const seeds = m ? Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i) : text.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s) || s < 0)) {
    throw new Error(`DETECT_SEEDS: expected a range like 1-20 or a list like 1,2,5, got "${text}"`);
  }
  return seeds;
}

interface RunOutcome {
  exit: number | null;
  /** Seconds from start to verdict (the whole process). */
  verdictSeconds: number;
  /** Seconds from the start of the run to the first op of the violation, if one is named. */
  violationSeconds?: number;
  dir?: string;
}

/** Every `index` of an op named under an invalid checker's result. */
function violationIndices(results: unknown): number[] {
  const out: number[] = [];
  const walk = (v: unknown, key: string): void => {
    if (Array.isArray(v)) {
      // `prefix` lists the ops that did linearize: not part of the violation.
      if (key !== 'prefix') for (const x of v) walk(x, key);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    if (o.valid === true) return;
    if (typeof o.index === 'number') out.push(o.index);
    for (const [k, x] of Object.entries(o)) if (k !== 'index') walk(x, k);
  };
  const top = results as Record<string, unknown>;
  for (const [k, v] of Object.entries(top)) if (typeof v === 'object' && v !== null && (v as { valid?: unknown }).valid === false) walk(v, k);
  return out;
}

async function opTimeSeconds(historyFile: string, index: number): Promise<number | undefined> {
  const lines = createInterface({ input: createReadStream(historyFile), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.includes(`"index":${index},`)) continue;
    const op = JSON.parse(line) as { index: number; time: number };
    if (op.index === index) {
      lines.close();
      return op.time / 1e9;
    }
  }
  return undefined;
}

function runOnce(z: ZooService, variant: string, seed: number, out: string): Promise<RunOutcome> {
  const args = ['bin/faultline.js', 'run', '--config', z.config, '--variant', variant, '--seed', String(seed), ...(z.args ?? []), '--out', out, '--quiet'];
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('close', async (exit) => {
      const verdictSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const dir = /output in (\S+)/.exec(text)?.[1];
      const outcome: RunOutcome = { exit, verdictSeconds, ...(dir ? { dir } : {}) };
      // Exit 1 is also how a run that never started fails: only a printed verdict counts.
      if (exit === 1 && !/: INVALID/.test(text)) outcome.exit = 3;
      if (outcome.exit !== 0 && outcome.exit !== 1) process.stdout.write(`    seed ${seed}: exit ${exit}: ${text.trim().split('\n').pop()}\n`);
      if (outcome.exit === 1 && dir && existsSync(join(dir, 'results.json'))) {
        const indices = violationIndices(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')));
        if (indices.length > 0) {
          const t = await opTimeSeconds(join(dir, 'history.jsonl'), Math.min(...indices));
          if (t !== undefined) outcome.violationSeconds = t;
        }
      }
      resolve(outcome);
    });
  });
}

function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  let seeds: number[];
  try {
    seeds = parseSeeds(process.env.DETECT_SEEDS ?? '1-20');
  } catch (e) {
    process.stderr.write(`bench:detect: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const only = (process.env.DETECT_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const wanted = (service: string, variant: string) => only.length === 0 || only.some((o) => o === service || o === `${service}:${variant}`);
  const out = mkdtempSync(join(tmpdir(), 'faultline-detect-'));
  const rows: string[] = [];
  for (const z of ZOO) {
    for (const variant of ['correct', ...Object.keys(z.bugs)]) {
      if (!wanted(z.service, variant)) continue;
      const bug = z.bugs[variant];
      process.stdout.write(`${z.service} --variant ${variant}${z.args ? ' ' + z.args.join(' ') : ''}: seeds ${seeds.join(',')}\n`);
      const caught: number[] = [];
      const firstOp: number[] = [];
      const verdict: number[] = [];
      let errors = 0;
      for (const seed of seeds) {
        const r = await runOnce(z, variant, seed, out);
        if (r.exit === 1) {
          caught.push(seed);
          if (r.violationSeconds !== undefined) firstOp.push(r.violationSeconds);
          else verdict.push(r.verdictSeconds);
        } else if (r.exit !== 0) errors++;
        const what = r.exit === 0 ? 'VALID' : r.exit === 1 ? 'INVALID' : r.exit === 2 ? 'UNKNOWN' : `harness error (exit ${r.exit})`;
        const when = r.exit === 1 ? (r.violationSeconds !== undefined ? `, first violating op at ${r.violationSeconds.toFixed(1)} s` : `, verdict after ${r.verdictSeconds.toFixed(1)} s`) : '';
        process.stdout.write(`  seed ${seed}: ${what}${when}\n`);
        if (r.dir && r.exit === 0) rmSync(r.dir, { recursive: true, force: true });
      }
      const n = seeds.length;
      const fmt = (x: number | undefined) => (x === undefined ? '–' : `${x.toFixed(1)} s`);
      if (bug === undefined) {
        rows.push(`| ${z.service} | correct | – | – | ${caught.length} of ${n}${errors ? ` (${errors} UNKNOWN or harness errors)` : ''} |`);
      } else {
        const t = firstOp.length > 0 ? `${fmt(median(firstOp))} (first violating op)` : verdict.length > 0 ? `${fmt(median(verdict))} (verdict)` : '–';
        rows.push(`| ${z.service} | ${variant}: ${bug} | ${caught.length} of ${n}${errors ? ` (${errors} UNKNOWN or harness errors)` : ''} | ${t} | – |`);
      }
    }
  }
  process.stdout.write(`\nruns kept in ${out} (VALID ones removed)\n\n`);
  process.stdout.write('| service | variant | seeds caught | median time to the violation | false alarms |\n|---|---|---|---|---|\n');
  process.stdout.write(rows.join('\n') + '\n');
}

await main();
