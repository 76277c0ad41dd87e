/**
 * `npm run bench:import`: lines per second and peak memory of importing a 1M-line
 * history in each format `faultline check` reads (and of reading a run's history.jsonl),
 * each in a fresh process so its peak RSS is its own. Target (issue 14): 1M lines in
 * under 5 s and 200 MB. The files are generated into a temp dir (one at a time, removed
 * after): realistic ops of 10 interleaved processes.
 *
 * Usage: node dist/bench/import.js [--lines n]
 *        node dist/bench/import.js --child <format> <file>   (internal: one measurement)
 * Figures only; nothing here fails.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatByName, importHistoryFile } from '../src/checkers/import/index.js';
import { readHistoryFile } from '../src/core/history-reader.js';
import { Rng } from '../src/core/rng.js';

/** The project's seeded PRNG as a plain function: the same files every run. */
function prng(seed: number): () => number {
  let rng = Rng.seeded(seed);
  return () => {
    const [x, next] = rng.next();
    rng = next;
    return x;
  };
}

interface Shape {
  /** Name in the table. */
  name: string;
  /** --format, or "run" for readHistoryFile (faultline check <run-dir>). */
  format: string;
  head?: string;
  tail?: string;
  /** Line i: process p invokes (done=false) or completes op n of f with value v. */
  line(i: number, p: number, done: boolean, n: number, rand: () => number): string;
}

const SHAPES: Shape[] = [
  {
    name: 'jsonl (history.jsonl, faultline check <run-dir>)',
    format: 'run',
    line: (i, p, done, n, r) => {
      const f = n % 3 === 0 ? 'read' : n % 3 === 1 ? 'write' : 'cas';
      const k = `k${n % 5}`;
      const v = f === 'read' ? (done ? Math.floor(r() * 5) : null) : f === 'write' ? n % 5 : [n % 5, (n + 1) % 5];
      return JSON.stringify({ index: i, type: done ? (r() < 0.9 ? 'ok' : 'fail') : 'invoke', process: p, f, value: [k, v], time: i * 1000, node: `n${(p % 5) + 1}` });
    },
  },
  {
    name: 'jsonl (--format jsonl)',
    format: 'jsonl',
    line: (i, p, done, n, r) => {
      const f = n % 3 === 0 ? 'read' : n % 3 === 1 ? 'write' : 'cas';
      const v = f === 'read' ? (done ? Math.floor(r() * 5) : null) : f === 'write' ? n % 5 : [n % 5, (n + 1) % 5];
      return JSON.stringify({ index: i, type: done ? (r() < 0.9 ? 'ok' : 'fail') : 'invoke', process: p, f, value: [`k${n % 5}`, v], time: i * 1000 });
    },
  },
  {
    name: 'jepsen-edn, one op map per line (list-append)',
    format: 'jepsen-edn',
    line: (i, p, done, n) => {
      const k = n % 7;
      const read = done ? `[${Array.from({ length: n % 6 }, (_, j) => n - j * 7).join(' ')}]` : 'nil';
      return `{:process ${p}, :type :${done ? 'ok' : 'invoke'}, :f :txn, :value [[:append ${k} ${n}] [:r ${(k + 1) % 7} ${read}]], :time ${i * 1000}, :index ${i}}`;
    },
  },
  {
    name: 'jepsen-edn, one vector over all lines (Knossos layout)',
    format: 'jepsen-edn',
    head: '[',
    tail: ']',
    line: (_i, p, done, n, r) => {
      const f = n % 3 === 0 ? 'read' : n % 3 === 1 ? 'write' : 'cas';
      const v = f === 'read' ? (done ? String(Math.floor(r() * 5)) : 'nil') : f === 'write' ? String(n % 5) : `[${n % 5} ${(n + 1) % 5}]`;
      return ` {:process ${p}, :type :${done ? 'ok' : 'invoke'}, :f :${f}, :value ${v}}`;
    },
  },
  {
    name: 'porcupine-etcd',
    format: 'porcupine-etcd',
    line: (_i, p, done, n, r) => {
      const f = n % 3 === 0 ? 'read' : n % 3 === 1 ? 'write' : 'cas';
      const v = f === 'read' ? (done ? String(Math.floor(r() * 5)) : 'nil') : f === 'write' ? String(n % 5) : `[${n % 5} ${(n + 1) % 5}]`;
      return `INFO  jepsen.util - ${p}\t:${done ? 'ok' : 'invoke'}\t:${f}\t${v}`;
    },
  },
  {
    name: 'porcupine-kv',
    format: 'porcupine-kv',
    line: (_i, p, done, n) => {
      const f = n % 3 === 0 ? 'get' : n % 3 === 1 ? 'put' : 'append';
      const v = f === 'get' ? (done ? `"x ${n} y"` : 'nil') : `"x ${n} y"`;
      return `{:process ${p}, :type :${done ? 'ok' : 'invoke'}, :f :${f}, :key "${n % 10}", :value ${v}}`;
    },
  },
];

/** Writes `lines` lines: 10 processes, each invoking and then completing its ops. */
function generate(shape: Shape, file: string, lines: number): void {
  const rand = prng(7);
  const fd = openSync(file, 'w');
  const pending: (number | undefined)[] = Array.from({ length: 10 }, () => undefined);
  let n = 0;
  let batch: string[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    writeSync(fd, batch.join('\n') + '\n');
    batch = [];
  };
  if (shape.head !== undefined) batch.push(shape.head);
  for (let i = 0; i < lines; i++) {
    // Open a new op only while the lines left can still complete every open one.
    let p = Math.floor(rand() * 10);
    if (pending[p] === undefined && lines - i < pending.filter((x) => x !== undefined).length + 2) p = pending.findIndex((x) => x !== undefined);
    if (p < 0) break;
    const open = pending[p];
    if (open === undefined) {
      pending[p] = n;
      batch.push(shape.line(i, p, false, n++, rand));
    } else {
      pending[p] = undefined;
      batch.push(shape.line(i, p, true, open, rand));
    }
    if (batch.length >= 10_000) flush();
  }
  if (shape.tail !== undefined) batch.push(shape.tail);
  flush();
  closeSync(fd);
}

interface Measured {
  ops: number;
  ms: number;
  /** CPU time (user + system): on a shared machine, less noisy than wall time. */
  cpuMs: number;
  peakRssMb: number;
  /** Heap still in use after a full collection: what the ops themselves take. */
  liveMb: number;
}

/** In the child: import, then report time and this process's peak RSS. */
function child(format: string, file: string): void {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const { ops } = format === 'run' ? readHistoryFile(file) : importHistoryFile(file, formatByName(format));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  (globalThis as { gc?: () => void }).gc?.();
  const m: Measured = { ops: ops.length, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb, liveMb: process.memoryUsage().heapUsed / 2 ** 20 };
  process.stdout.write(JSON.stringify(m) + '\n');
}

function main(): void {
  const { values, positionals } = parseArgs({ options: { lines: { type: 'string', default: '1000000' }, child: { type: 'string' } }, allowPositionals: true });
  if (values.child !== undefined) return child(values.child, positionals[0]!);
  const lines = Number(values.lines);
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-bench-import-'));
  const self = fileURLToPath(import.meta.url);
  console.log(`import of ${lines.toLocaleString('en')}-line histories, each in a fresh node process (${process.version})`);
  console.log(`${'shape'.padEnd(56)} ${'MB'.padStart(5)} ${'ops'.padStart(9)} ${'wall s'.padStart(7)} ${'CPU s'.padStart(6)} ${'lines/s'.padStart(10)} ${'peak RSS'.padStart(9)} ${'live heap'.padStart(9)}`);
  try {
    for (const shape of SHAPES) {
      const file = path.join(dir, 'history');
      generate(shape, file, lines);
      const size = statSync(file).size / 2 ** 20;
      const out = execFileSync(process.execPath, ['--expose-gc', self, '--child', shape.format, file], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
      const m = JSON.parse(out) as Measured;
      console.log(
        `${shape.name.padEnd(56)} ${size.toFixed(0).padStart(5)} ${m.ops.toLocaleString('en').padStart(9)} ${(m.ms / 1000).toFixed(2).padStart(7)} ${(m.cpuMs / 1000).toFixed(2).padStart(6)} ${Math.round(lines / (m.ms / 1000)).toLocaleString('en').padStart(10)} ${`${m.peakRssMb.toFixed(0)} MB`.padStart(9)} ${`${m.liveMb.toFixed(0)} MB`.padStart(9)}`,
      );
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
