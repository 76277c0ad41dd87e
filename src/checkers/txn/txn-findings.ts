/**
 * What the transactional checkers (list-append, rw-register) share once their graphs are
 * built: how a transaction is cited, how a dependency cycle reads in words, and how the
 * anomalies found are judged against a consistency model and summed up for the terminal.
 */
import type { CompletedOp } from '../../core/op.js';
import { forbiddenAmong, judgeModels, type ConsistencyModel, type ModelVerdict } from './consistency-models.js';
import type { Cycle } from './dependency-graph.js';

/** An op of the history, as checkers cite them (the report links `index` to its timeline). */
interface TxnRef {
  index: number;
  process: number | string;
  f: string;
}

/** One finding: a kind, the words, the transactions involved. */
export interface TxnAnomaly {
  kind: string;
  message: string;
  /** The completions of the transactions involved. */
  ops: TxnRef[];
  /** Set when the consistency model checked allows this kind: a finding, not a violation. */
  allowed?: true;
}

/** A key as the messages and the graph name it. */
export const keyOf = (k: unknown): string => (typeof k === 'string' ? k : JSON.stringify(k));

/** The op that stands for a transaction: its completion, or its invocation if it has none. */
const txnIndex = (t: { op: CompletedOp }): number => (t.op.complete ?? t.op.invoke).index;

export const txnRef = (t: { op: CompletedOp }): TxnRef => ({ index: txnIndex(t), process: t.op.process, f: t.op.f });

const HOW: Record<string, string> = {
  ww: 'was overwritten by',
  wr: 'was read by',
  rw: 'read a version overwritten by',
  process: 'ran before, in the same client,',
  realtime: 'completed before the invocation of',
};

/** A cycle in words: each edge with the transactions it joins and the key it is about. */
export function describeCycle(c: Cycle, txns: readonly { op: CompletedOp }[]): TxnAnomaly {
  const name = (id: number) => `T${txnIndex(txns[id]!)}`;
  const text = c.steps.map((e) => `${name(e.from)} ${HOW[e.kind]} ${name(e.to)} (${e.kind}${e.key !== '' ? ` on ${e.key}` : ''})`).join('; ');
  return { kind: c.anomaly, message: `${c.anomaly} cycle: ${text}`, ops: c.steps.map((e) => txnRef(txns[e.from]!)) };
}

interface ModelJudgement {
  valid: boolean | 'unknown';
  forbidden: string[];
  verdict: ModelVerdict;
  /** One line per kind (forbidden first): how many, and the first as an example. */
  messages: string[];
  /** The verdict against the model in one line. */
  summary: string;
}

/**
 * The anomalies found, judged against `model`: those it forbids make the run invalid;
 * those it allows are marked `allowed`; `unjudged` kinds (the workload's own mistakes,
 * which prove nothing about the database) are neither, and make the verdict unknown;
 * cycle shapes the search could not rule out (`possible`) leave models undecided.
 */
export function judgeAnomalies(
  model: ConsistencyModel,
  anomalies: TxnAnomaly[],
  o: { txnCount: number; possible: readonly string[]; cyclesCapped: boolean; maxCycles: number; unjudged?: readonly string[] },
): ModelJudgement & { anomalyTypes: string[] } {
  const unjudged = new Set(o.unjudged ?? []);
  const anomalyTypes = [...new Set(anomalies.map((a) => a.kind))].sort();
  const judged = anomalyTypes.filter((t) => !unjudged.has(t));
  const forbidden = forbiddenAmong(model, judged);
  const verdict = judgeModels(judged, o.possible);
  for (const an of anomalies) if (!forbidden.includes(an.kind) && !unjudged.has(an.kind)) an.allowed = true;
  const valid = forbidden.length > 0 ? false : judged.length < anomalyTypes.length || verdict.undecided.includes(model) ? 'unknown' : true;
  const messages = [...forbidden, ...anomalyTypes.filter((t) => !forbidden.includes(t))].map((t) => {
    const of = anomalies.filter((a) => a.kind === t);
    return `${t} ×${of.length}${forbidden.includes(t) || unjudged.has(t) ? '' : ` (allowed by ${model})`}, e.g. ${of[0]!.message}`;
  });
  if (o.cyclesCapped) messages.push(`(the cycle search stopped after ${o.maxCycles} cycles of one kind; there may be more)`);
  if (o.possible.length) messages.push(`(the cycle search ran out of budget before it could rule out ${o.possible.join(', ')})`);
  const summary = [
    `${o.txnCount} transactions against ${model}: ${forbidden.length ? `violated (${forbidden.join(', ')})` : valid === true ? 'kept' : 'undecided'}`,
    anomalyTypes.length ? `anomalies ${anomalyTypes.join(', ')}` : 'no anomalies',
    `ruled out ${verdict.weakestRuledOut.join(', ') || 'nothing'}${verdict.ruledOut.length > verdict.weakestRuledOut.length ? ' and what implies them' : ''}`,
    `strongest still consistent ${verdict.strongestConsistent.join(', ') || 'none'}`,
    ...(verdict.undecided.length ? [`undecided ${verdict.undecided.join(', ')}`] : []),
  ].join('; ');
  return { valid, forbidden, verdict, messages, summary, anomalyTypes };
}
