/**
 * A transaction dependency graph (Adya's DSG) and the cycles in it that name isolation
 * anomalies, after Adya's thesis and Elle (Kingsbury & Alvaro, VLDB 2020):
 *
 *   ww  T1 installed a version, T2 the next one of the same key  (write dependency)
 *   wr  T2 read the version T1 installed                          (read dependency)
 *   rw  T1 read a version, T2 installed the next one              (anti-dependency)
 *
 *   G0                  a cycle of ww edges only             (dirty writes)
 *   G1c                 a cycle of ww and wr edges            (circular information flow)
 *   G-single-item       exactly one rw edge                   (read skew; forbidden by SI)
 *   G-nonadjacent-item  rw edges, never two in a row          (also forbidden by SI)
 *   G2-item             rw edges, two of them adjacent        (write skew; forbidden by
 *                       repeatable read and serializability, allowed by SI)
 *
 * Besides data dependencies the graph may hold `process` edges (one client's transactions
 * in the order it ran them) and `realtime` edges (T1 completed before T2 was invoked). A
 * cycle that needs one of them is the same shape with `-process` or `-realtime`
 * (G-single-item-realtime): it is serializable, but not in an order that respects the
 * client's session, or time. Each shape is searched in the subgraph of the edges it may
 * use, per order (data only, then with process edges, then with realtime edges), and each
 * component is reported once per order, under its most specific shape; the report is one
 * short cycle per component and shape, not every cycle (there can be exponentially many).
 * A search cut short by its budget says which anomaly it could not rule out.
 */
import { impliedAnomalies, type Order } from './consistency-models.js';

type EdgeKind = 'ww' | 'wr' | 'rw' | 'process' | 'realtime';
/** The shapes of cycle searched, most specific first; all rw edges here are on items (keys). */
type CycleShape = 'G0' | 'G1c' | 'G-single-item' | 'G-nonadjacent-item' | 'G2-item';

interface Edge {
  from: number;
  to: number;
  kind: EdgeKind;
  /** The key whose versions made the edge ('' for process and realtime edges). */
  key: string;
}

export interface Cycle {
  /** The shape, with `-process` or `-realtime` when the cycle needs such an edge: "G-single-item-realtime". */
  anomaly: string;
  shape: CycleShape;
  order: Order;
  /** Edges in order; the last one's `to` is the first one's `from`. */
  steps: Edge[];
}

export class DependencyGraph {
  private readonly out = new Map<number, Edge[]>();
  private readonly seen = new Set<string>();

  /** Adds an edge unless an edge of the same kind between the same two nodes exists. */
  add(from: number, to: number, kind: EdgeKind, key: string): void {
    if (from === to) return;
    const id = `${from}>${to}>${kind}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    let list = this.out.get(from);
    if (!list) this.out.set(from, (list = []));
    list.push({ from, to, kind, key });
    if (!this.out.has(to)) this.out.set(to, []);
  }

  get edgeCount(): number {
    return this.seen.size;
  }

  edges(from: number): readonly Edge[] {
    return this.out.get(from) ?? [];
  }

  nodes(): number[] {
    return [...this.out.keys()];
  }

  /**
   * The strongly connected components with more than one node, over edges `allowed`
   * admits (Tarjan's algorithm, iterative so deep graphs cannot overflow the stack).
   */
  components(allowed: (e: Edge) => boolean): number[][] {
    const index = new Map<number, number>();
    const low = new Map<number, number>();
    const onStack = new Set<number>();
    const stack: number[] = [];
    const result: number[][] = [];
    let next = 0;
    for (const root of this.nodes()) {
      if (index.has(root)) continue;
      const work: { node: number; i: number }[] = [{ node: root, i: 0 }];
      index.set(root, next);
      low.set(root, next++);
      stack.push(root);
      onStack.add(root);
      while (work.length) {
        const frame = work[work.length - 1]!;
        const edges = this.edges(frame.node);
        if (frame.i < edges.length) {
          const e = edges[frame.i++]!;
          if (!allowed(e)) continue;
          if (!index.has(e.to)) {
            index.set(e.to, next);
            low.set(e.to, next++);
            stack.push(e.to);
            onStack.add(e.to);
            work.push({ node: e.to, i: 0 });
          } else if (onStack.has(e.to)) {
            low.set(frame.node, Math.min(low.get(frame.node)!, index.get(e.to)!));
          }
          continue;
        }
        work.pop();
        const parent = work[work.length - 1];
        if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
        if (low.get(frame.node) === index.get(frame.node)) {
          const scc: number[] = [];
          let n: number;
          do {
            n = stack.pop()!;
            onStack.delete(n);
            scc.push(n);
          } while (n !== frame.node);
          if (scc.length > 1) result.push(scc);
        }
      }
    }
    return result;
  }
}

/** Start nodes tried per component and shape before the search gives up on it. */
const MAX_TRIES = 64;
/** States (node × search state) visited in all, over every search of one history. */
const MAX_VISITS = 20_000_000;

const SHAPES: readonly CycleShape[] = ['G0', 'G1c', 'G-single-item', 'G-nonadjacent-item', 'G2-item'];
const SUFFIX: Record<Order, string> = { data: '', process: '-process', realtime: '-realtime' };
const ORDER_RANK: Record<Order, number> = { data: 0, realtime: 1, process: 2 };

// The search state, packed: bit 0 fresh (no edge taken yet), bits 1-2 rw edges so far
// (capped at 2), bit 3 last edge rw, bit 4 first edge rw, bit 5 an edge of the order's
// own kind taken.
const FRESH = 1;
const rwCount = (s: number) => (s >> 1) & 3;
const LAST_RW = 8;
const FIRST_RW = 16;
const EXTRA = 32;
const STATES = 64;

function dataKinds(shape: CycleShape): ReadonlySet<EdgeKind> {
  return new Set<EdgeKind>(shape === 'G0' ? ['ww'] : shape === 'G1c' ? ['ww', 'wr'] : ['ww', 'wr', 'rw']);
}

/** The state after taking `e` from state `s`, or -1 when the shape forbids it. */
function step(shape: CycleShape, extra: EdgeKind | undefined, s: number, e: Edge): number {
  const rw = e.kind === 'rw';
  const count = Math.min(2, rwCount(s) + (rw ? 1 : 0));
  if (shape === 'G-single-item' && rwCount(s) + (rw ? 1 : 0) > 1) return -1;
  if (shape === 'G-nonadjacent-item' && rw && s & LAST_RW) return -1;
  let n = count << 1;
  if (rw) n |= LAST_RW;
  if (s & FRESH ? rw : s & FIRST_RW) n |= FIRST_RW;
  if (s & EXTRA || (extra !== undefined && e.kind === extra)) n |= EXTRA;
  return n;
}

/** Whether a walk back at its start in state `s` is a cycle of the shape. */
function accepts(shape: CycleShape, extra: EdgeKind | undefined, s: number): boolean {
  if (extra !== undefined && !(s & EXTRA)) return false;
  const n = rwCount(s);
  switch (shape) {
    case 'G0':
    case 'G1c':
      return true;
    case 'G-single-item':
      return n === 1;
    case 'G-nonadjacent-item':
      return n >= 2 && !(s & FIRST_RW && s & LAST_RW);
    case 'G2-item':
      return n >= 1;
  }
}

/** The shape and order a found cycle actually has (a wider search may find a narrower shape). */
function classify(steps: readonly Edge[]): { shape: CycleShape; order: Order; anomaly: string } {
  const rw = steps.map((e) => e.kind === 'rw');
  const n = rw.filter(Boolean).length;
  const shape: CycleShape =
    n === 0
      ? steps.every((e) => e.kind !== 'wr')
        ? 'G0'
        : 'G1c'
      : n === 1
        ? 'G-single-item'
        : rw.some((x, i) => x && rw[(i + 1) % rw.length])
          ? 'G2-item'
          : 'G-nonadjacent-item';
  // One realtime edge that is no client's order makes it a realtime cycle (the weaker claim).
  const order: Order = steps.some((e) => e.kind === 'realtime') ? 'realtime' : steps.some((e) => e.kind === 'process') ? 'process' : 'data';
  return { shape, order, anomaly: shape + SUFFIX[order] };
}

export interface CycleSearch {
  cycles: Cycle[];
  /** Anomalies a search could not rule out before its budget ended (they may exist). */
  possible: string[];
  /** Whether some shape had more components with cycles than the limit reported. */
  capped: boolean;
}

/**
 * Searches `graph` for cycles: per order in `orders` and per shape, one shortest cycle per
 * strongly connected component (at most `limit` per shape and order). `known` holds the
 * anomalies already found by other means; a shape whose anomaly they (or earlier cycles)
 * imply is not searched again at a weaker order.
 */
export function searchCycles(graph: DependencyGraph, o: { orders?: readonly Order[]; limit?: number; known?: Iterable<string> } = {}): CycleSearch {
  const orders = o.orders ?? ['data'];
  const limit = o.limit ?? 20;
  const cycles: Cycle[] = [];
  const possible: string[] = [];
  let capped = false;
  const found = new Set<string>(o.known ?? []);
  // Shapes searched to the end with nothing found, per order.
  const absent = new Set<string>();
  let visits = 0;

  // Realtime before process: one client's order is realtime order too (its next
  // transaction began after the last one completed), so a shape with no realtime cycle has
  // no process cycle either, and that search is skipped.
  const sorted = [...orders].sort((x, y) => ORDER_RANK[x] - ORDER_RANK[y]);
  for (const order of sorted) {
    const extra: EdgeKind | undefined = order === 'data' ? undefined : order;
    const reported = new Set<number>();
    // The rw shapes share one subgraph: its components are computed once.
    const componentsOf = new Map<string, number[][]>();
    for (const shape of SHAPES) {
      const name = shape + SUFFIX[order];
      if (impliedAnomalies(found).has(name)) continue;
      if (order === 'process' && orders.includes('realtime') && absent.has(shape + SUFFIX.realtime)) continue;
      let exhaustive = true;
      const kinds = dataKinds(shape);
      const allowed = (e: Edge) => kinds.has(e.kind) || e.kind === extra;
      // The cycle must hold an edge of the order's kind, or for data the shape's own kind.
      const seedKind: EdgeKind = extra ?? (shape === 'G0' ? 'ww' : shape === 'G1c' ? 'wr' : 'rw');
      let count = 0;
      const subgraph = [...kinds].join();
      let sccs = componentsOf.get(subgraph);
      if (!sccs) componentsOf.set(subgraph, (sccs = graph.components(allowed)));
      for (const scc of sccs) {
        if (scc.some((n) => reported.has(n))) continue;
        if (count >= limit) {
          capped = true;
          break;
        }
        const within = new Set(scc);
        const starts = scc.filter((a) => graph.edges(a).some((e) => e.kind === seedKind && within.has(e.to)));
        let best: Edge[] | undefined;
        let tries = 0;
        let cut = false;
        for (const a of starts) {
          if (tries >= MAX_TRIES || visits >= MAX_VISITS) break;
          tries++;
          const r = shortestCycle(graph, a, within, allowed, shape, extra, MAX_VISITS - visits);
          visits += r.visits;
          if (r.steps) {
            best = r.steps;
            break;
          }
          if (r.cut) cut = true;
        }
        if (!best) {
          if (cut || tries < starts.length) {
            possible.push(name);
            exhaustive = false;
          }
          continue;
        }
        for (const n of scc) reported.add(n);
        // A realtime edge that is also one client's order is named as that: the cycle then
        // needs only the session's order (and the process search has nothing to add).
        if (order === 'realtime') best = best.map((e) => (e.kind === 'realtime' ? (graph.edges(e.from).find((x) => x.kind === 'process' && x.to === e.to) ?? e) : e));
        const c = classify(best);
        cycles.push({ ...c, steps: best });
        found.add(c.anomaly);
        count++;
      }
      if (exhaustive && count === 0) absent.add(name);
    }
  }
  return { cycles, possible: [...new Set(possible)], capped };
}

/** A shortest cycle through `a` of `shape` (BFS over node × search state). */
function shortestCycle(
  graph: DependencyGraph,
  a: number,
  within: ReadonlySet<number>,
  allowed: (e: Edge) => boolean,
  shape: CycleShape,
  extra: EdgeKind | undefined,
  budget: number,
): { steps?: Edge[]; visits: number; cut?: true } {
  const start = a * STATES + FRESH;
  const via = new Map<number, { prev: number; edge: Edge }>();
  const queue = [start];
  const seen = new Set([start]);
  for (let qi = 0; qi < queue.length; qi++) {
    if (qi >= budget) return { visits: qi, cut: true };
    const cur = queue[qi]!;
    const node = Math.floor(cur / STATES);
    const s = cur % STATES;
    for (const e of graph.edges(node)) {
      if (!allowed(e) || !within.has(e.to)) continue;
      const ns = step(shape, extra, s, e);
      if (ns < 0) continue;
      if (e.to === a) {
        if (!accepts(shape, extra, ns)) continue;
        const steps = [e];
        for (let k = cur; k !== start; k = via.get(k)!.prev) steps.unshift(via.get(k)!.edge);
        return { steps, visits: qi + 1 };
      }
      const key = e.to * STATES + ns;
      if (seen.has(key)) continue;
      seen.add(key);
      via.set(key, { prev: cur, edge: e });
      queue.push(key);
    }
  }
  return { visits: queue.length };
}
