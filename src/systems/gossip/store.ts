/**
 * The replica's state: the set of applied ops (by dot) and the views the data types read
 * (observed-remove sets, PN-counters, LWW registers), kept up to date as ops are applied.
 *
 * With `causal` (careful), an op is applied only once its causal past is: the previous op
 * of its origin and everything in its `deps`. The version vector is then an exact summary
 * of the state (every dot at or below it is applied), which is what makes it usable as a
 * session token and as the anti-entropy digest. Without it (naive), ops are applied the
 * moment they arrive and the vector is only "highest seq seen".
 */
import { compareStamp, dominates, dotOf, type GossipOp, type Timestamp, type VersionVector } from './ops.js';

interface SetEntry {
  element: string | number;
  /** Add dots not yet removed: the element is present while this is non-empty. */
  dots: Set<string>;
}

interface RegisterEntry {
  value: unknown;
  ts: Timestamp;
  origin: string;
}

export class Store {
  readonly vv: VersionVector = {};
  /** Applied ops in application order (a causal order in careful): what peers pull. */
  readonly log: GossipOp[] = [];
  private readonly applied = new Set<string>();
  /** Ops waiting for their causal past (careful only). */
  private pending: GossipOp[] = [];
  private readonly removed = new Set<string>();
  private readonly sets = new Map<string, Map<string, SetEntry>>();
  private readonly counters = new Map<string, number>();
  private readonly registers = new Map<string, RegisterEntry>();

  constructor(private readonly causal: boolean) {}

  has(op: Pick<GossipOp, 'origin' | 'seq'>): boolean {
    return this.applied.has(dotOf(op));
  }

  /**
   * Offers an op; returns the ops actually applied by this call (the op itself and any
   * buffered ops it unblocked), in application order, so the caller can persist them.
   */
  offer(op: GossipOp): GossipOp[] {
    if (this.applied.has(dotOf(op))) return [];
    if (!this.causal) {
      this.apply(op);
      return [op];
    }
    if (!this.ready(op)) {
      if (!this.pending.some((p) => p.origin === op.origin && p.seq === op.seq)) this.pending.push(op);
      return [];
    }
    const out = [op];
    this.apply(op);
    // Drain whatever the new op unblocked; repeat until a pass applies nothing.
    for (let progress = true; progress; ) {
      progress = false;
      const still: GossipOp[] = [];
      for (const p of this.pending) {
        if (this.applied.has(dotOf(p))) continue;
        if (this.ready(p)) {
          this.apply(p);
          out.push(p);
          progress = true;
        } else {
          still.push(p);
        }
      }
      this.pending = still;
    }
    return out;
  }

  pendingCount(): number {
    return this.pending.length;
  }

  /** Ops a peer with version vector `theirs` has not applied, in an order it can apply. */
  missingFor(theirs: VersionVector): GossipOp[] {
    return this.log.filter((op) => op.seq > (theirs[op.origin] ?? 0));
  }

  covers(token: VersionVector): boolean {
    return dominates(this.vv, token);
  }

  readSet(key: string): Array<string | number> {
    const m = this.sets.get(key);
    if (!m) return [];
    const out: Array<string | number> = [];
    for (const e of m.values()) if (e.dots.size > 0) out.push(e.element);
    return out.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  }

  /** The live add dots of an element: what an observed-remove must name. */
  setDots(key: string, element: string | number): string[] {
    return [...(this.sets.get(key)?.get(JSON.stringify(element))?.dots ?? [])];
  }

  readCounter(key: string): number {
    return this.counters.get(key) ?? 0;
  }

  readRegister(key: string): unknown {
    return this.registers.get(key)?.value ?? null;
  }

  private ready(op: GossipOp): boolean {
    if ((this.vv[op.origin] ?? 0) !== op.seq - 1) return false;
    return op.deps === undefined || dominates(this.vv, op.deps);
  }

  private apply(op: GossipOp): void {
    const dot = dotOf(op);
    this.applied.add(dot);
    this.log.push(op);
    if ((this.vv[op.origin] ?? 0) < op.seq) this.vv[op.origin] = op.seq;
    switch (op.kind) {
      case 'set-add': {
        if (this.removed.has(dot) || op.element === undefined) break;
        let m = this.sets.get(op.key);
        if (!m) this.sets.set(op.key, (m = new Map()));
        const k = JSON.stringify(op.element);
        let e = m.get(k);
        if (!e) m.set(k, (e = { element: op.element, dots: new Set() }));
        e.dots.add(dot);
        break;
      }
      case 'set-remove': {
        // Tombstones matter only without causal delivery, where a remove can overtake its add.
        for (const d of op.removes ?? []) this.removed.add(d);
        const e = op.element === undefined ? undefined : this.sets.get(op.key)?.get(JSON.stringify(op.element));
        if (e) for (const d of op.removes ?? []) e.dots.delete(d);
        break;
      }
      case 'counter-add':
        this.counters.set(op.key, (this.counters.get(op.key) ?? 0) + (op.delta ?? 0));
        break;
      case 'register-write': {
        const cur = this.registers.get(op.key);
        if (!cur || compareStamp(op, cur) > 0) this.registers.set(op.key, { value: op.value, ts: op.ts, origin: op.origin });
        break;
      }
    }
  }
}
