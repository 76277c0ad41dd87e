/**
 * The `queue` checker (after Jepsen's total-queue): every enqueue carries a unique value,
 * every dequeue records the value it received, and after the heal a final drain reads
 * everything left. Each anomaly is found by a named function that returns data:
 *
 *  - lost: an acknowledged enqueue (ok) whose value was never received. Invalid — but
 *    only once the queue was seen empty at the end (a final drain that found nothing, or
 *    a dequeue that failed "empty" after the heal); without that, lost values might
 *    still be in the queue and the verdict is unknown.
 *  - unexpected: a value received that no enqueue tried, or whose enqueue definitely
 *    failed. Invalid.
 *  - duplicated: a value received more than once, with its count. Allowed under
 *    at-least-once delivery, invalid under exactly-once; the workload says which.
 *  - recovered: an enqueue of unknown outcome (info, or never completed) whose value was
 *    received. Fine: it did happen. Counted.
 *  - out of order (`fifo: true`): value a enqueued (acknowledged) before b's enqueue began,
 *    yet b's first delivery completed before a's first delivery began (or came earlier in
 *    the same drain). With one consumer that is simply "the consumer got b before a";
 *    with several it is judged by real time, which a linearizable FIFO queue must also
 *    obey. Redeliveries (a message given back after a consumer failed to acknowledge it)
 *    and later copies of duplicates legitimately jump the line and are not judged.
 *
 * Ops: `enqueue` (value: the element, a string or number); `dequeue` (ok: the element
 * received; fail with error "empty": nothing there); `drain` (ok: the list of elements
 * received, empty when the queue was found empty). A received element may be
 * `{value, redelivered: true}` when the broker says it delivered it before. Dequeues and
 * drains that did not complete ok received nothing (the clients only acknowledge a
 * message after its value is in the history, so an unacknowledged one goes back).
 *
 * Violations follow the report's convention: each names its ops (`ops: [opRef…]`) and
 * says what is wrong in `message`; `summary` is one line of figures for the terminal.
 */
import type { CompletedOp, Op } from '../core/op.js';
import type { Checker, CheckResult, Validity } from './checker.js';
import { clientOps, finalPhaseStart, nsToS, opRef } from './convergence-history.js';

export type Delivery = 'at-least-once' | 'exactly-once';

export interface QueueCheckOptions {
  /** What the queue promises: duplicates are violations only under exactly-once. Default at-least-once. */
  delivery?: Delivery;
  /** Judge delivery order against enqueue order (a FIFO queue). Default false. */
  fifo?: boolean;
}

type Element = string | number;
const keyOf = (e: Element): string => (typeof e === 'number' ? `n${e}` : `s${e}`);

/** One element received: by which op, where in it (a drain's list position), redelivered or not. */
interface Receipt {
  element: Element;
  op: CompletedOp;
  position: number;
  redelivered: boolean;
}

/** Violations and figures listed per kind are capped; counts are always exact. */
const MAX_LISTED = 200;

function isElement(x: unknown): x is Element {
  return typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
}

/** A received element as recorded: plain, or `{value, redelivered}`. */
function receivedElement(x: unknown): { element: Element; redelivered: boolean } | undefined {
  if (isElement(x)) return { element: x, redelivered: false };
  if (typeof x === 'object' && x !== null && isElement((x as { value?: unknown }).value)) {
    return { element: (x as { value: Element }).value, redelivered: (x as { redelivered?: unknown }).redelivered === true };
  }
  return undefined;
}

/** Enqueues by element (the first op that tried each element). */
function enqueuesOf(ops: readonly CompletedOp[]): Map<string, CompletedOp> {
  const out = new Map<string, CompletedOp>();
  for (const op of ops) {
    if (op.f !== 'enqueue' || !isElement(op.value)) continue;
    const k = keyOf(op.value);
    const cur = out.get(k);
    // A value tried twice (a user's history): the acknowledged attempt speaks for it.
    if (cur === undefined || (cur.type !== 'ok' && op.type === 'ok')) out.set(k, op);
  }
  return out;
}

/** Every element received by an ok dequeue or drain, in history order. */
function receiptsOf(ops: readonly CompletedOp[]): Receipt[] {
  const out: Receipt[] = [];
  for (const op of ops) {
    if (op.type !== 'ok') continue;
    const items = op.f === 'dequeue' ? [op.result] : op.f === 'drain' && Array.isArray(op.result) ? op.result : [];
    items.forEach((x, position) => {
      const r = receivedElement(x);
      if (r) out.push({ ...r, op, position });
    });
  }
  return out;
}

function byElement(receipts: readonly Receipt[]): Map<string, Receipt[]> {
  const m = new Map<string, Receipt[]>();
  for (const r of receipts) {
    const k = keyOf(r.element);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

interface Lost {
  kind: 'lost';
  value: Element;
  message: string;
  ops: Record<string, unknown>[];
}

/** Acknowledged enqueues whose value nobody received. */
function lostElements(enqueues: ReadonlyMap<string, CompletedOp>, received: ReadonlyMap<string, Receipt[]>): Lost[] {
  const out: Lost[] = [];
  for (const [k, op] of enqueues) {
    if (op.type !== 'ok' || received.has(k)) continue;
    const at = nsToS(op.complete!.time);
    out.push({ kind: 'lost', value: op.value as Element, message: `${String(op.value)} was acknowledged at ${at} s (op ${op.invoke.index}) and never dequeued`, ops: [ref(op)] });
  }
  return out;
}

interface Unexpected {
  kind: 'unexpected';
  value: Element;
  enqueueFailed: boolean;
  message: string;
  ops: Record<string, unknown>[];
}

/** Received values that no enqueue tried, or whose enqueue definitely failed. */
function unexpectedElements(enqueues: ReadonlyMap<string, CompletedOp>, received: ReadonlyMap<string, Receipt[]>): Unexpected[] {
  const out: Unexpected[] = [];
  for (const [k, rs] of received) {
    const enq = enqueues.get(k);
    if (enq !== undefined && enq.type !== 'fail') continue;
    const first = rs[0]!;
    const value = first.element;
    const message = enq
      ? `${String(value)} was dequeued (op ${first.op.invoke.index}) although its enqueue failed (op ${enq.invoke.index}${enq.error ? `: ${enq.error}` : ''})`
      : `${String(value)} was dequeued (op ${first.op.invoke.index}) but never enqueued`;
    out.push({ kind: 'unexpected', value, enqueueFailed: enq !== undefined, message, ops: [...(enq ? [ref(enq)] : []), ...uniqueOps(rs).map(ref)] });
  }
  return out;
}

interface Duplicated {
  kind: string;
  value: Element;
  /** How many times the value was received. */
  count: number;
  message: string;
  ops: Record<string, unknown>[];
}

/** Values received more than once, with their counts and the ops that received them. */
function duplicatedElements(received: ReadonlyMap<string, Receipt[]>, delivery: Delivery): Duplicated[] {
  const out: Duplicated[] = [];
  const kind = delivery === 'exactly-once' ? 'duplicated' : 'duplicated (allowed: at-least-once)';
  for (const rs of received.values()) {
    if (rs.length < 2) continue;
    const value = rs[0]!.element;
    const ops = uniqueOps(rs);
    out.push({ kind, value, count: rs.length, message: `${String(value)} was dequeued ${rs.length} times (ops ${ops.map((o) => o.invoke.index).join(', ')})`, ops: ops.map(ref) });
  }
  return out;
}

/** Enqueues of unknown outcome whose value did show up: element → enqueue op index. */
function recoveredElements(enqueues: ReadonlyMap<string, CompletedOp>, received: ReadonlyMap<string, Receipt[]>): { value: Element; enqueue: number }[] {
  const out: { value: Element; enqueue: number }[] = [];
  for (const [k, op] of enqueues) if (op.type === 'info' && received.has(k)) out.push({ value: op.value as Element, enqueue: op.invoke.index });
  return out;
}

interface OutOfOrder {
  kind: 'out of order';
  value: Element;
  /** The value delivered before it although enqueued after it. */
  overtakenBy: Element;
  message: string;
  ops: Record<string, unknown>[];
}

interface Placed {
  element: Element;
  enqueue: CompletedOp;
  receipt: Receipt;
}

/**
 * FIFO order: for each value a (enqueue acknowledged), a value b whose enqueue began after
 * a's was acknowledged but whose first delivery came strictly before a's. One witness b
 * per a, found by a sweep over deliveries in time order (and, inside one drain, over the
 * list order), so the check is O(n log n).
 */
function outOfOrderElements(enqueues: ReadonlyMap<string, CompletedOp>, received: ReadonlyMap<string, Receipt[]>): OutOfOrder[] {
  const placed: Placed[] = [];
  for (const [k, rs] of received) {
    const enqueue = enqueues.get(k);
    const first = firstReceipt(rs);
    if (enqueue === undefined || enqueue.type === 'fail' || first.redelivered) continue;
    placed.push({ element: first.element, enqueue, receipt: first });
  }
  const witness = new Map<Placed, Placed>();
  const start = (p: Placed) => p.receipt.op.invoke.time;
  const end = (p: Placed) => p.receipt.op.complete?.time ?? Infinity;
  const enqueuedFrom = (p: Placed) => p.enqueue.invoke.time;
  const judge = (a: Placed, b: Placed | undefined) => {
    if (b === undefined || a.enqueue.type !== 'ok' || witness.has(a)) return;
    if (enqueuedFrom(b) > a.enqueue.complete!.time) witness.set(a, b);
  };
  // Across ops: b's delivery completed before a's began.
  const byEnd = [...placed].sort((x, y) => end(x) - end(y));
  const byStart = [...placed].sort((x, y) => start(x) - start(y));
  let i = 0;
  let latest: Placed | undefined;
  for (const a of byStart) {
    while (i < byEnd.length && end(byEnd[i]!) < start(a)) {
      const b = byEnd[i++]!;
      if (latest === undefined || enqueuedFrom(b) > enqueuedFrom(latest)) latest = b;
    }
    judge(a, latest);
  }
  // Inside one drain: an earlier position was delivered first.
  const byOp = new Map<CompletedOp, Placed[]>();
  for (const p of placed) {
    const list = byOp.get(p.receipt.op);
    if (list) list.push(p);
    else byOp.set(p.receipt.op, [p]);
  }
  for (const list of byOp.values()) {
    let before: Placed | undefined;
    for (const a of list.sort((x, y) => x.receipt.position - y.receipt.position)) {
      judge(a, before);
      if (before === undefined || enqueuedFrom(a) > enqueuedFrom(before)) before = a;
    }
  }
  return [...witness]
    .sort(([a], [b]) => start(a) - start(b))
    .map(([a, b]) => ({
      kind: 'out of order' as const,
      value: a.element,
      overtakenBy: b.element,
      message: `${String(a.element)} was enqueued (acknowledged at ${nsToS(a.enqueue.complete!.time)} s) before ${String(b.element)} (enqueued from ${nsToS(enqueuedFrom(b))} s), yet was delivered after it (op ${a.receipt.op.invoke.index} after op ${b.receipt.op.invoke.index})`,
      ops: [...new Set([a.enqueue, b.enqueue, b.receipt.op, a.receipt.op])].map(ref),
    }));
}

/** The first delivery of a value: the earliest-completing op, then the earliest position. */
function firstReceipt(rs: readonly Receipt[]): Receipt {
  return rs.reduce((x, y) => {
    const tx = x.op.complete?.time ?? Infinity;
    const ty = y.op.complete?.time ?? Infinity;
    return ty < tx || (ty === tx && y.op === x.op && y.position < x.position) ? y : x;
  });
}

/**
 * An op as a violation names it; a dequeue also shows the value it received (a drain's
 * whole list would swell results.json: the violation names the value instead).
 */
function ref(op: CompletedOp): Record<string, unknown> {
  return { ...opRef(op), ...(op.f === 'dequeue' && op.type === 'ok' ? { result: op.result } : {}) };
}

function uniqueOps(rs: readonly Receipt[]): CompletedOp[] {
  return [...new Set(rs.map((r) => r.op))];
}

/**
 * Whether some op saw the queue empty once faults were over: a drain that received nothing,
 * or a dequeue that failed "empty". Without it, values not received may still be queued.
 */
function sawEmptyAtEnd(ops: readonly CompletedOp[], finalFrom: number | undefined): boolean {
  return ops.some(
    (op) =>
      (finalFrom === undefined || op.invoke.time >= finalFrom) &&
      ((op.f === 'drain' && op.type === 'ok' && Array.isArray(op.result) && op.result.length === 0) || (op.f === 'dequeue' && op.type === 'fail' && /empty/i.test(op.error ?? ''))),
  );
}

export function checkQueue(history: readonly Op[], o: QueueCheckOptions = {}): CheckResult {
  const delivery = o.delivery ?? 'at-least-once';
  const ops = clientOps(history);
  const enqueues = enqueuesOf(ops);
  const receipts = receiptsOf(ops);
  const received = byElement(receipts);
  const drained = sawEmptyAtEnd(ops, finalPhaseStart(history));

  const lost = lostElements(enqueues, received);
  const unexpected = unexpectedElements(enqueues, received);
  const duplicated = duplicatedElements(received, delivery);
  const recovered = recoveredElements(enqueues, received);
  const outOfOrder = o.fifo ? outOfOrderElements(enqueues, received) : [];

  const count = (t: CompletedOp['type']) => [...enqueues.values()].filter((e) => e.type === t).length;
  const attempted = enqueues.size;
  const acknowledged = count('ok');
  const failed = count('fail');
  const indeterminate = count('info');
  const extraCopies = duplicated.reduce((s, d) => s + d.count - 1, 0);

  const messages: string[] = [];
  const list = (xs: readonly { value: Element }[]) => xs.slice(0, 8).map((x) => String(x.value)).join(', ') + (xs.length > 8 ? ', …' : '');
  if (lost.length > 0) messages.push(`${lost.length} lost (acknowledged, never dequeued${drained ? '' : '; the queue was never seen empty at the end, so they may still be in it'}): ${list(lost)}`);
  if (unexpected.length > 0) messages.push(`${unexpected.length} unexpected (dequeued, never enqueued or enqueue failed): ${list(unexpected)}`);
  if (duplicated.length > 0) messages.push(`${duplicated.length} duplicated (${extraCopies} extra deliveries; ${delivery === 'exactly-once' ? 'a violation under exactly-once' : 'allowed under at-least-once'}): ${duplicated.slice(0, 8).map((d) => `${String(d.value)}×${d.count}`).join(', ')}${duplicated.length > 8 ? ', …' : ''}`);
  if (outOfOrder.length > 0) messages.push(`${outOfOrder.length} delivered out of order, e.g. ${outOfOrder[0]!.message}`);

  let valid: Validity = unexpected.length === 0 && outOfOrder.length === 0 && (delivery === 'at-least-once' || duplicated.length === 0);
  if (valid && lost.length > 0) valid = drained ? false : 'unknown';

  const summary =
    `enqueued ${attempted} (ok ${acknowledged}, info ${indeterminate}, fail ${failed}); ` +
    `dequeued ${received.size} distinct in ${receipts.length} deliveries; ` +
    `lost ${lost.length}, unexpected ${unexpected.length}, duplicated ${duplicated.length} (${delivery}), recovered ${recovered.length}` +
    (o.fifo ? `, out of order ${outOfOrder.length}` : '') +
    (drained ? '' : '; never seen empty at the end');

  return {
    valid,
    summary,
    messages,
    delivery,
    fifo: o.fifo === true,
    attempted,
    acknowledged,
    failed,
    indeterminate,
    deliveries: receipts.length,
    distinctDequeued: received.size,
    drained,
    lostCount: lost.length,
    unexpectedCount: unexpected.length,
    duplicatedCount: duplicated.length,
    extraDeliveries: extraCopies,
    maxCopies: duplicated.reduce((m, d) => Math.max(m, d.count), 0),
    recoveredCount: recovered.length,
    outOfOrderCount: o.fifo ? outOfOrder.length : null,
    lost: lost.slice(0, MAX_LISTED),
    unexpected: unexpected.slice(0, MAX_LISTED),
    duplicated: duplicated.slice(0, MAX_LISTED),
    outOfOrder: outOfOrder.slice(0, MAX_LISTED),
    // Not violations: values and enqueue indices, no op references (so no violation rows).
    recovered: recovered.slice(0, MAX_LISTED),
  };
}

export function queueChecker(o: QueueCheckOptions = {}): Checker {
  return { name: 'queue', check: async (history) => checkQueue(history, o) };
}
