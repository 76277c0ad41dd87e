/**
 * A transaction dependency graph (Adya's DSG) and the cycles in it that name isolation
 * anomalies, after Adya's thesis and Elle (Kingsbury & Alvaro, VLDB 2020):
 *
 *   ww  T1 installed a version, T2 the next one of the same key  (write dependency)
 *   wr  T2 read the version T1 installed                          (read dependency)
 *   rw  T1 read a version, T2 installed the next one              (anti-dependency)
 *
 *   G0        a cycle of ww edges only                 (dirty writes)
 *   G1c       a cycle of ww and wr edges, one wr at least (circular information flow)
 *   G-single  a cycle with exactly one rw edge          (read skew; forbidden by SI)
 *   G2        a cycle with rw edges, not G-single       (write skew; forbidden only by
 *             serializability)
 *
 * Each class is searched in the subgraph of the edges it may use, so the report gives
 * the most specific anomaly first and one short cycle per strongly connected component
 * and class, not every cycle (there can be exponentially many).
 */

type EdgeKind = 'ww' | 'wr' | 'rw';
type CycleAnomaly = 'G0' | 'G1c' | 'G-single' | 'G2';

interface Edge {
  from: number;
  to: number;
  kind: EdgeKind;
  /** The key whose versions made the edge. */
  key: string;
}

export interface Cycle {
  anomaly: CycleAnomaly;
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

  /** A shortest path from `from` to `to` inside `within` over edges `allowed` admits (BFS). */
  path(from: number, to: number, within: ReadonlySet<number>, allowed: (e: Edge) => boolean): Edge[] | undefined {
    if (from === to) return [];
    const via = new Map<number, Edge>();
    const queue = [from];
    const visited = new Set([from]);
    for (let qi = 0; qi < queue.length; qi++) {
      for (const e of this.edges(queue[qi]!)) {
        if (!allowed(e) || !within.has(e.to) || visited.has(e.to)) continue;
        visited.add(e.to);
        via.set(e.to, e);
        if (e.to === to) {
          const steps: Edge[] = [];
          for (let n = to; n !== from; n = via.get(n)!.from) steps.unshift(via.get(n)!);
          return steps;
        }
        queue.push(e.to);
      }
    }
    return undefined;
  }
}

const MAX_TRIES = 64;
const wwOnly = (e: Edge) => e.kind === 'ww';
const noRw = (e: Edge) => e.kind !== 'rw';
const any = () => true;

/**
 * One cycle per component and anomaly class, most specific class first; a component
 * that holds a G0 cycle is not searched again for G1c, and so on, so each component is
 * reported once, under the weakest isolation level its cycle violates.
 */
export function findCycles(graph: DependencyGraph, limit = 20): Cycle[] {
  const found: Cycle[] = [];
  const reported = new Set<number>();
  const searches: { anomaly: CycleAnomaly; allowed: (e: Edge) => boolean; through: (e: Edge) => boolean; rest: (e: Edge) => boolean }[] = [
    // A cycle in the ww subgraph: any ww edge of a component closes one.
    { anomaly: 'G0', allowed: wwOnly, through: wwOnly, rest: wwOnly },
    // A wr edge a→b closes a G1c cycle when b reaches a again without rw edges.
    { anomaly: 'G1c', allowed: noRw, through: (e) => e.kind === 'wr', rest: noRw },
    // An rw edge a→b closes a G-single cycle when b reaches a without rw edges...
    { anomaly: 'G-single', allowed: any, through: (e) => e.kind === 'rw', rest: noRw },
    // ...and a G2 cycle when it needs more anti-dependencies to get back.
    { anomaly: 'G2', allowed: any, through: (e) => e.kind === 'rw', rest: any },
  ];
  for (const s of searches) {
    for (const scc of graph.components(s.allowed)) {
      if (found.length >= limit) return found;
      if (scc.some((n) => reported.has(n))) continue;
      const within = new Set(scc);
      let best: Edge[] | undefined;
      // Each try is a BFS of the component. Inside a strongly connected component the
      // first edge tried closes a cycle for G0, G1c and G2; only G-single may need more,
      // and a bounded number keeps a huge component from costing edges × nodes (a missed
      // G-single is then found by the G2 search, which relabels a one-rw cycle).
      let tries = 0;
      for (const a of scc) {
        if (tries >= MAX_TRIES) break;
        for (const e of graph.edges(a)) {
          if (!s.through(e) || !within.has(e.to)) continue;
          tries++;
          const back = graph.path(e.to, a, within, s.rest);
          if (back && (!best || back.length + 1 < best.length)) best = [e, ...back];
        }
        if (best && best.length === 2) break;
      }
      if (!best) continue;
      for (const n of scc) reported.add(n);
      found.push({ anomaly: s.anomaly === 'G2' && best.filter((e) => e.kind === 'rw').length === 1 ? 'G-single' : s.anomaly, steps: best });
    }
  }
  return found;
}
