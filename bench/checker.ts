/**
 * `npm run bench:checker`: wall time and peak memory of the linearizability checker on
 * the shared Porcupine corpus (../shared/data/porcupine), per file and in total, and
 * Porcupine's own CheckEvents on the same files when Go can build it (bench/porcupine).
 *
 * Usage: node dist/bench/checker.js [--only etcd|kv] [--repeat n] [--timeout s]
 *          [--no-porcupine] [--porcupine-timeout s (per kv key, default 10)]
 * Each history is parsed before its clock starts: timings are the check alone (best of
 * --repeat runs). kv files are checked with every key decided (a full report). "search"
 * is the peak memory of one partition's search (memo + interned states); the c50 files
 * are also run alone in a fresh process, for their own peak RSS. Last, how far past its
 * time budget the checker answers on keys it cannot decide in time.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { casRegister, checkLinearizable, kv, multiRegister, type Model } from '../src/checkers/linearizability/index.js';
import { parseEtcdLog, parseKvEdn } from '../src/checkers/linearizability/parse-porcupine.js';
import type { Op } from '../src/core/op.js';
import { runPorcupine, type PorcupineTimes } from './porcupine.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// dist/bench/checker.js or bench/checker.ts: the repository is two or one levels up.
const repoRoot = path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
const dataDir = path.resolve(repoRoot, '../shared/data/porcupine');

interface Case {
  file: string;
  model: Model;
  history: Op[];
  full: boolean;
}

function loadCases(only: string | undefined): Case[] {
  const cases: Case[] = [];
  if (only === undefined || only === 'etcd') {
    for (const f of readdirSync(path.join(dataDir, 'jepsen')).filter((x) => x.endsWith('.log')).sort()) {
      const file = `jepsen/${f}`;
      cases.push({ file, model: casRegister, history: parseEtcdLog(readFileSync(path.join(dataDir, file), 'utf8'), file), full: false });
    }
  }
  if (only === undefined || only === 'kv') {
    for (const c of ['c01', 'c10', 'c50']) {
      for (const kind of ['ok', 'bad']) {
        const file = `kv/${c}-${kind}.txt`;
        // Every key decided: the hard target of the issue (Porcupine stops at none either).
        cases.push({ file, model: kv, history: parseKvEdn(readFileSync(path.join(dataDir, file), 'utf8'), file), full: true });
      }
    }
  }
  return cases;
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;

interface Row {
  file: string;
  ms: number;
  verdict: string;
  undecided: number;
  /** Peak bytes of one partition's search (memo + interned states). */
  searchBytes: number;
  /** Peak RSS of a process that checked only this file (isolated runs only). */
  rss?: number;
}

async function measure(c: Case, timeoutMs: number, repeat: number): Promise<Row> {
  let best = Infinity;
  let verdict = '';
  let undecided = 0;
  let searchBytes = 0;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const r = await checkLinearizable(c.history, c.model, { timeoutMs, full: c.full });
    best = Math.min(best, performance.now() - t0);
    verdict = r.valid === true ? 'valid' : r.valid === false ? 'invalid' : 'unknown';
    undecided = r.partitions.filter((p) => p.valid === 'unknown').length;
    searchBytes = Math.max(searchBytes, ...r.partitions.map((p) => p.stats?.bytes ?? 0));
  }
  return { file: c.file, ms: best, verdict, undecided, searchBytes };
}

/** Checks one file in a fresh process, for its own peak RSS (the hard kv files). */
function isolated(file: string, timeoutS: number): Row {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file, '--timeout', String(timeoutS)], { encoding: 'utf8' });
  return JSON.parse(out) as Row;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      child: { type: 'string' },
      'no-porcupine': { type: 'boolean' },
      'porcupine-timeout': { type: 'string' },
      repeat: { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  const repeat = Number(values.repeat ?? 1);
  const timeoutS = Number(values.timeout ?? 60);
  if (values.child !== undefined) {
    const c = loadCases(undefined).find((x) => x.file === values.child);
    if (!c) throw new Error(`no case ${values.child}`);
    const row = await measure(c, timeoutS * 1000, 1);
    row.rss = process.resourceUsage().maxRSS * 1024;
    process.stdout.write(JSON.stringify(row) + '\n');
    return;
  }
  const cases = loadCases(values.only);
  // Warm the JIT on the small histories once so the first file is not charged for it.
  for (const c of cases.slice(0, 5)) await checkLinearizable(c.history, c.model, { timeoutMs: timeoutS * 1000, full: c.full });

  const rows: Row[] = [];
  for (const c of cases) {
    const row = await measure(c, timeoutS * 1000, repeat);
    if (c.file.startsWith('kv/c50')) row.rss = isolated(c.file, timeoutS).rss ?? 0;
    rows.push(row);
  }

  const porcupine: PorcupineTimes | string = values['no-porcupine']
    ? 'skipped (--no-porcupine)'
    : await runPorcupine(
        dataDir,
        cases.map((c) => c.file),
        Number(values['porcupine-timeout'] ?? 10),
      );
  const pTime = (file: string): string => {
    if (typeof porcupine === 'string') return '';
    const t = porcupine.perFile.get(file);
    return t === undefined ? '' : `${t.ms.toFixed(1).padStart(9)} ms ${t.verdict}${t.undecided > 0 ? ` (${t.undecided} undecided)` : ''}`;
  };

  console.log(`${'file'.padEnd(22)} ${'faultline'.padStart(12)} ${'verdict'.padEnd(8)} ${'undecided'.padStart(9)} ${'search'.padStart(8)} ${'peak RSS'.padStart(9)}   porcupine`);
  for (const r of rows) {
    console.log(
      `${r.file.padEnd(22)} ${r.ms.toFixed(1).padStart(9)} ms ${r.verdict.padEnd(8)} ${String(r.undecided).padStart(9)} ${mb(r.searchBytes).padStart(8)} ${(r.rss === undefined ? '' : mb(r.rss)).padStart(9)}   ${pTime(r.file)}`,
    );
  }
  const group = (name: string, pred: (f: string) => boolean): void => {
    const sel = rows.filter((r) => pred(r.file));
    if (sel.length === 0) return;
    const ours = sel.reduce((a, r) => a + r.ms, 0);
    let theirs = '';
    if (typeof porcupine !== 'string') {
      const ts = sel.map((r) => porcupine.perFile.get(r.file));
      if (ts.every((t) => t !== undefined)) {
        const undecided = ts.reduce((a, t) => a + t!.undecided, 0);
        theirs = `   porcupine ${ts.reduce((a, t) => a + t!.ms, 0).toFixed(0)} ms${undecided > 0 ? `, ${undecided} key(s) undecided` : ''}`;
      }
    }
    const undecided = sel.reduce((a, r) => a + r.undecided, 0);
    console.log(`total ${name.padEnd(18)} ${ours.toFixed(0).padStart(7)} ms (${sel.length} files${undecided > 0 ? `, ${undecided} key(s) undecided` : ''})${theirs}`);
  };
  group('etcd', (f) => f.startsWith('jepsen/'));
  group('kv/c50-ok', (f) => f === 'kv/c50-ok.txt');
  group('kv/c50-bad (full)', (f) => f === 'kv/c50-bad.txt');
  group('kv', (f) => f.startsWith('kv/'));
  for (const line of await deadlines()) console.log(line);
  console.log(`peak RSS of this process: ${mb(process.resourceUsage().maxRSS * 1024)}; heap used now: ${mb(process.memoryUsage().heapUsed)}`);
  console.log(`porcupine: ${typeof porcupine === 'string' ? porcupine : porcupine.note}`);
}

/**
 * Keys that cannot be decided in time: per key `writes` concurrent writes of distinct
 * values, then a cas from a value never written (2^writes * writes configurations).
 */
function hardKeys(keys: readonly string[], writes: number): Op[] {
  const ops: Op[] = [];
  const add = (o: Omit<Op, 'index' | 'time'>): void => {
    ops.push({ ...o, index: ops.length, time: ops.length });
  };
  keys.forEach((key, k) => {
    for (let p = 0; p < writes; p++) add({ type: 'invoke', process: k * 100 + p, f: 'write', value: [key, p] });
    for (let p = 0; p < writes; p++) add({ type: 'ok', process: k * 100 + p, f: 'write', value: [key, p] });
    const cas = [key, ['never written', 0]];
    add({ type: 'invoke', process: k * 100 + 99, f: 'cas', value: cas });
    add({ type: 'ok', process: k * 100 + 99, f: 'cas', value: cas });
  });
  return ops;
}

/** How long past its time budget the checker answers (the unit tests check only that it gives up). */
async function deadlines(): Promise<string[]> {
  const out: string[] = [];
  for (const c of [
    { name: 'one hard key, in this thread', keys: ['a'], writes: 18, budgetMs: 400, workers: false },
    { name: 'three hard keys, worker threads', keys: ['a', 'b', 'c'], writes: 22, budgetMs: 500, workers: true },
  ]) {
    const t0 = performance.now();
    const r = await checkLinearizable(hardKeys(c.keys, c.writes), multiRegister, { timeoutMs: c.budgetMs, full: true, workers: c.workers });
    const ms = performance.now() - t0;
    const reasons = r.partitions.map((p) => p.reason ?? String(p.valid)).join(', ');
    out.push(`deadline (${c.name}): budget ${c.budgetMs} ms, answered after ${ms.toFixed(0)} ms (${(ms - c.budgetMs).toFixed(0)} ms over); ${reasons}`);
  }
  return out;
}

await main();
