/**
 * Transactional consistency models, the anomalies each one forbids, and how they imply one
 * another: the one table the list-append checker, `--consistency-model`, the workloads'
 * defaults and the README's model table are made from.
 *
 * The hierarchy follows the one Elle publishes (Kingsbury & Alvaro, VLDB 2020; Elle's
 * `elle.consistency-model`), which collects it from Adya's thesis ("Weak Consistency", the
 * PL-n levels and the G-anomalies), Bailis et al. ("Highly Available Transactions": monotonic
 * atomic view, lost update), Cerone, Bernardi & Gotsman ("A Framework for Transactional
 * Consistency Models with Atomic Visibility": internal consistency, SI ⊂ serializable's
 * weaker neighbours) and Daudjee & Salem (strong session SI and serializability). Where this
 * table departs from Elle it says so beside the entry.
 *
 * Anomalies come in three orders. A plain one is a cycle of data dependencies (ww, wr, rw)
 * or a property of reads alone; `X-process` is a cycle of shape X that needs at least one
 * process edge (one client's transactions in the order it ran them); `X-realtime` one that
 * needs a realtime edge (a transaction that completed before another was invoked). A client
 * runs one transaction at a time, so its order is realtime order too: X ⇒ X-process ⇒
 * X-realtime.
 */

export const CONSISTENCY_MODELS = [
  'read-uncommitted',
  'read-committed',
  'monotonic-atomic-view',
  'repeatable-read',
  'snapshot-isolation',
  'serializable',
  'strong-session-snapshot-isolation',
  'strong-session-serializable',
  'strong-snapshot-isolation',
  'strict-serializable',
] as const;

export type ConsistencyModel = (typeof CONSISTENCY_MODELS)[number];

export function isConsistencyModel(x: unknown): x is ConsistencyModel {
  return typeof x === 'string' && (CONSISTENCY_MODELS as readonly string[]).includes(x);
}

/** Which extra order a model's anomalies may be found through. */
export type Order = 'data' | 'process' | 'realtime';

export interface ModelSpec {
  name: ConsistencyModel;
  /** Adya's name for it, where there is one. */
  adya?: string;
  /** The models it implies directly (a history consistent with this one is consistent with those). */
  implies: readonly ConsistencyModel[];
  /** The anomalies it forbids beyond the models it implies (each also forbids what implies it). */
  forbids: readonly string[];
  /** Whether checking it needs process edges (a session model, or a strong one, which implies its session form). */
  session: boolean;
  /** Whether checking it needs realtime edges (a strong or strict model). */
  realtime: boolean;
  /**
   * False when what sets it apart from the models it implies is nothing this checker
   * detects: it is then never claimed to hold (undecided), though anomalies can rule it out.
   */
  detectable?: false;
  /** One line for the README's table. */
  summary: string;
  /** Where the entry comes from. */
  source: string;
}

export const MODEL_SPECS: readonly ModelSpec[] = [
  {
    name: 'read-uncommitted',
    adya: 'PL-1',
    implies: [],
    // Elle adds duplicate elements to PL-1 (no Adya history holds a value twice); an
    // element nobody appended has no place in any history either. Duplicate appends break
    // the premise that names each version by its element (Elle refuses such a history
    // outright); here the history is judged, the key gets no edges, and no model is kept.
    forbids: ['G0', 'duplicate-elements', 'duplicate-appends', 'phantom-element', 'garbage-read', 'cyclic-versions'],
    session: false,
    realtime: false,
    summary: 'no dirty writes: no cycle of write dependencies (G0)',
    source: 'Adya PL-1; Elle',
  },
  {
    name: 'read-committed',
    adya: 'PL-2',
    implies: ['read-uncommitted'],
    forbids: ['G1'],
    session: false,
    realtime: false,
    summary: 'no aborted or intermediate reads, no circular information flow (G1a, G1b, G1c)',
    source: 'Adya PL-2',
  },
  {
    name: 'monotonic-atomic-view',
    implies: ['read-committed'],
    // Elle gives it no anomaly of its own: its fractured reads (a read of x after a read
    // of y that saw T's write to y, missing T's write to x) need the order of reads within
    // a transaction, which no dependency edge records. So it is never claimed to hold.
    forbids: [],
    session: false,
    realtime: false,
    detectable: false,
    summary: 'read committed, and once a transaction has seen one of another\'s effects it sees them all (fractured reads are not detected here: never reported as kept, only as ruled out)',
    source: 'Bailis et al., HAT',
  },
  {
    name: 'repeatable-read',
    adya: 'PL-2.99',
    implies: ['monotonic-atomic-view'],
    forbids: ['G1', 'G2-item', 'lost-update'],
    session: false,
    realtime: false,
    summary: 'no anti-dependency cycle over items (G2-item, so no G-single-item, no lost update)',
    source: 'Adya PL-2.99; Bailis et al.',
  },
  {
    name: 'snapshot-isolation',
    adya: 'PL-SI',
    implies: ['monotonic-atomic-view'],
    // Elle: generalized SI forbids every cycle whose rw edges are never adjacent
    // (G-nonadjacent), G-single among them. Elle leaves lost update out of SI; Berenson et
    // al. ("A Critique of ANSI SQL Isolation Levels", table 4) show SI precludes it (P4).
    forbids: ['internal', 'G1', 'G-nonadjacent', 'lost-update'],
    session: false,
    realtime: false,
    summary: 'each transaction reads one snapshot and no two concurrent ones write the same key: no G-single, no G-nonadjacent; write skew (G2-item with adjacent rw edges) is allowed',
    source: 'Adya PL-SI; Cerone et al.; Elle',
  },
  {
    name: 'serializable',
    adya: 'PL-3',
    implies: ['repeatable-read', 'snapshot-isolation'],
    forbids: ['internal', 'G1', 'G2'],
    session: false,
    realtime: false,
    summary: 'some serial order explains every committed transaction: no dependency cycle at all',
    source: 'Adya PL-3; Bernstein et al. (conflict serializability)',
  },
  {
    name: 'strong-session-snapshot-isolation',
    implies: ['snapshot-isolation'],
    forbids: ['internal', 'G1-process', 'G-nonadjacent-process'],
    session: true,
    realtime: false,
    summary: 'snapshot isolation in which each client\'s snapshot includes its own earlier transactions',
    source: 'Daudjee & Salem; Elle',
  },
  {
    name: 'strong-session-serializable',
    implies: ['serializable', 'strong-session-snapshot-isolation'],
    forbids: ['G1-process', 'G2-process'],
    session: true,
    realtime: false,
    summary: 'serializable, in an order that keeps each client\'s transactions in the order it ran them',
    source: 'Daudjee & Salem; Elle',
  },
  {
    name: 'strong-snapshot-isolation',
    implies: ['strong-session-snapshot-isolation'],
    forbids: ['internal', 'G1-realtime', 'G-nonadjacent-realtime'],
    session: true,
    realtime: true,
    summary: 'snapshot isolation in which a snapshot includes every transaction that completed before it began',
    source: 'Daudjee & Salem; Elle',
  },
  {
    name: 'strict-serializable',
    adya: 'PL-SS',
    implies: ['strong-session-serializable', 'strong-snapshot-isolation'],
    forbids: ['G1-realtime', 'G2-realtime'],
    session: true,
    realtime: true,
    summary: 'serializable, in an order that keeps every transaction after those that completed before it began',
    source: 'Adya PL-SS; Bailis et al.',
  },
];

const SPEC = new Map(MODEL_SPECS.map((s) => [s.name, s]));

function modelSpec(m: ConsistencyModel): ModelSpec {
  return SPEC.get(m)!;
}

// ---- anomalies ------------------------------------------------------------------------

const ORDERS = ['', '-process', '-realtime'] as const;
/** Cycle shapes, each implying the more general ones after it (Adya; Elle). */
const SHAPE_IMPLIES: Record<string, readonly string[]> = {
  G0: ['G1c'],
  G1c: ['G1'],
  'G-single-item': ['G-single', 'G-nonadjacent-item'],
  'G-single': ['G-nonadjacent'],
  'G-nonadjacent-item': ['G-nonadjacent', 'G2-item'],
  'G-nonadjacent': ['G2'],
  'G2-item': ['G2'],
  G1: [],
  G2: [],
};

/** Anomalies that are no cycle, and what each implies (Elle's anomaly graph). */
const READ_ANOMALIES: Record<string, readonly string[]> = {
  G1a: ['G1'],
  G1b: ['G1'],
  // Two reads of one key no single order explains: some read saw a state that never was.
  'incompatible-order': ['G1a'],
  // A read seeing the transaction's own later append: a one-transaction G1c.
  'future-read': ['G1c'],
  'dirty-update': ['G1a'],
  // A special case of write skew over one key (Bailis et al.), so G2-item.
  'lost-update': ['G2-item'],
  'duplicate-elements': [],
  'duplicate-appends': [],
  'phantom-element': [],
  // rw-register: a read of a value nobody wrote; a version order with a cycle (Elle: PL-1).
  'garbage-read': [],
  'cyclic-versions': [],
  internal: [],
};

/** anomaly → the anomalies it implies directly. */
const IMPLIES = new Map<string, string[]>();
for (const [shape, more] of Object.entries(SHAPE_IMPLIES)) {
  for (let i = 0; i < ORDERS.length; i++) {
    const name = shape + ORDERS[i]!;
    const out = more.map((m) => m + ORDERS[i]!);
    if (i + 1 < ORDERS.length) out.push(shape + ORDERS[i + 1]!);
    IMPLIES.set(name, out);
  }
}
for (const [name, more] of Object.entries(READ_ANOMALIES)) IMPLIES.set(name, [...more]);

/** Every anomaly name the table knows. */
const KNOWN_ANOMALIES: readonly string[] = [...IMPLIES.keys()];

/** The anomalies `found` imply, themselves included (an unknown name implies only itself). */
export function impliedAnomalies(found: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const todo = [...found];
  while (todo.length) {
    const a = todo.pop()!;
    if (out.has(a)) continue;
    out.add(a);
    todo.push(...(IMPLIES.get(a) ?? []));
  }
  return out;
}

/** The models `m` implies, itself included. */
export function impliedModels(m: ConsistencyModel): Set<ConsistencyModel> {
  const out = new Set<ConsistencyModel>();
  const todo: ConsistencyModel[] = [m];
  while (todo.length) {
    const x = todo.pop()!;
    if (out.has(x)) continue;
    out.add(x);
    todo.push(...modelSpec(x).implies);
  }
  return out;
}

/** The anomalies whose presence rules `m` out: what it and every model it implies forbid, and all that implies those. */
export function forbiddenBy(m: ConsistencyModel): Set<string> {
  const direct = new Set<string>();
  for (const x of impliedModels(m)) for (const a of modelSpec(x).forbids) direct.add(a);
  return new Set(KNOWN_ANOMALIES.filter((a) => [...impliedAnomalies([a])].some((b) => direct.has(b))));
}

/** The orders a model's anomalies may need: process edges for session models, realtime for strong ones. */
export function ordersOf(m: ConsistencyModel): Order[] {
  const f = forbiddenBy(m);
  const out: Order[] = ['data'];
  if ([...f].some((a) => a.endsWith('-process'))) out.push('process');
  if ([...f].some((a) => a.endsWith('-realtime'))) out.push('realtime');
  return out;
}

export interface ModelVerdict {
  /** Every model the anomalies rule out, weakest first. */
  ruledOut: ConsistencyModel[];
  /** The weakest models ruled out (each stronger one is ruled out with them). */
  weakestRuledOut: ConsistencyModel[];
  /** The strongest models the history is still consistent with (weaker ones follow from them). */
  strongestConsistent: ConsistencyModel[];
  /** Models neither ruled out nor confirmed: a search that could show them violated ran out of budget, or what they add is not detected here. */
  undecided: ConsistencyModel[];
}

/**
 * What the anomalies `found` say about each model: which ones they rule out and the
 * strongest ones left. `possible` are anomalies that may exist but were not searched to the
 * end; a model they could rule out is undecided rather than consistent.
 */
export function judgeModels(found: Iterable<string>, possible: Iterable<string> = []): ModelVerdict {
  const present = impliedAnomalies(found);
  const maybe = impliedAnomalies(possible);
  const ruledOut: ConsistencyModel[] = [];
  const undecided: ConsistencyModel[] = [];
  const consistent: ConsistencyModel[] = [];
  for (const m of CONSISTENCY_MODELS) {
    const f = forbiddenBy(m);
    if ([...present].some((a) => f.has(a))) ruledOut.push(m);
    else if ([...maybe].some((a) => f.has(a)) || modelSpec(m).detectable === false) undecided.push(m);
    else consistent.push(m);
  }
  // What a model that holds implies holds too, undetectable or not.
  for (const m of [...undecided]) {
    if (consistent.some((c) => impliedModels(c).has(m))) {
      undecided.splice(undecided.indexOf(m), 1);
      consistent.push(m);
    }
  }
  const strictlyImplies = (a: ConsistencyModel, b: ConsistencyModel) => a !== b && impliedModels(a).has(b);
  return {
    ruledOut,
    weakestRuledOut: ruledOut.filter((m) => !ruledOut.some((o) => strictlyImplies(m, o))),
    strongestConsistent: consistent.filter((m) => !consistent.some((o) => strictlyImplies(o, m))),
    undecided,
  };
}

/** The anomalies among `found` that `model` forbids. */
export function forbiddenAmong(model: ConsistencyModel, found: Iterable<string>): string[] {
  const f = forbiddenBy(model);
  return [...found].filter((a) => [...impliedAnomalies([a])].some((b) => f.has(b)));
}

/** The README's model table: each model, what it implies and what it forbids. */
export function modelsTable(): string {
  const code = (s: string) => `\`${s}\``;
  const lines = ['| model | implies | forbids (beyond what it implies) | edges searched | meaning |', '|---|---|---|---|---|'];
  for (const s of MODEL_SPECS) {
    const edges = ['data', ...(s.session ? ['process'] : []), ...(s.realtime ? ['realtime'] : [])].join(', ');
    lines.push(
      `| ${code(s.name)}${s.adya ? ` (${s.adya})` : ''} | ${s.implies.map(code).join(', ') || '—'} | ${s.forbids.map(code).join(', ') || '— (nothing detectable here beyond read committed)'} | ${edges} | ${s.summary} |`,
    );
  }
  return lines.join('\n');
}
