/**
 * Reading results.json defensively. The checkers evolve independently of the report, so
 * the report reads only the few fields it needs and checks their shape: a new field is
 * ignored, a missing one hides a section instead of breaking the page.
 */

export type Verdict = true | false | 'unknown';

interface CheckerVerdict {
  name: string;
  valid: Verdict;
}

interface OpRef {
  index: number;
  op: string;
}

interface ExplanationDoc {
  prefix: number[];
  states: string[];
  next: OpRef[];
  blocking?: OpRef;
  message: string;
}

export interface PartitionDoc {
  key: string;
  valid: Verdict;
  opCount?: number;
  reason?: string;
  explanation?: ExplanationDoc;
}

interface PerfRow {
  f: string;
  count: number;
  ok: number;
  fail: number;
  info: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

type Rec = Record<string, unknown>;
const isRec = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);

function asVerdict(v: unknown): Verdict {
  return v === true ? true : v === false ? false : 'unknown';
}

/** The overall verdict; unknown when there are no results (a run that was never checked). */
export function overallVerdict(results: unknown): Verdict {
  return isRec(results) ? asVerdict(results.valid) : 'unknown';
}

/** Every top-level entry that looks like a checker result (an object with `valid`). */
export function checkerVerdicts(results: unknown): CheckerVerdict[] {
  if (!isRec(results)) return [];
  return Object.entries(results)
    .filter(([, r]) => isRec(r) && 'valid' in r)
    .map(([name, r]) => ({ name, valid: asVerdict((r as Rec).valid) }));
}

function opRef(x: unknown): OpRef | undefined {
  if (!isRec(x) || typeof x.index !== 'number') return undefined;
  return { index: x.index, op: typeof x.op === 'string' ? x.op : '' };
}

function explanation(x: unknown): ExplanationDoc | undefined {
  if (!isRec(x)) return undefined;
  const e: ExplanationDoc = {
    prefix: Array.isArray(x.prefix) ? x.prefix.filter((i): i is number => typeof i === 'number') : [],
    states: Array.isArray(x.states) ? x.states.map((s) => (typeof s === 'string' ? s : JSON.stringify(s))) : [],
    next: Array.isArray(x.next) ? x.next.map(opRef).filter((r): r is OpRef => r !== undefined) : [],
    message: typeof x.message === 'string' ? x.message : '',
  };
  const b = opRef(x.blocking);
  if (b) e.blocking = b;
  return e;
}

/** Partitions (keys) of a checker that has them, e.g. linearizability. */
export function partitionsOf(checker: unknown): PartitionDoc[] {
  if (!isRec(checker) || !Array.isArray(checker.partitions)) return [];
  const out: PartitionDoc[] = [];
  for (const p of checker.partitions) {
    if (!isRec(p)) continue;
    const d: PartitionDoc = { key: String(p.key), valid: asVerdict(p.valid) };
    if (typeof p.opCount === 'number') d.opCount = p.opCount;
    if (typeof p.reason === 'string') d.reason = p.reason;
    const e = explanation(p.explanation);
    if (e) d.explanation = e;
    out.push(d);
  }
  return out;
}

/** The perf checker's per-function table, if present. */
export function perfRows(results: unknown): PerfRow[] {
  if (!isRec(results) || !isRec(results.perf) || !isRec(results.perf.byFunction)) return [];
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return Object.entries(results.perf.byFunction)
    .filter(([, r]) => isRec(r))
    .map(([f, r]) => {
      const x = r as Rec;
      return { f, count: num(x.count), ok: num(x.ok), fail: num(x.fail), info: num(x.info), p50: num(x.p50), p95: num(x.p95), p99: num(x.p99), max: num(x.max) };
    });
}

/** Named checker result objects (for sections that know one checker). */
export function checkerResult(results: unknown, name: string): unknown {
  return isRec(results) ? results[name] : undefined;
}
