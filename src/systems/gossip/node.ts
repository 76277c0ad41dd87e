/**
 * One replica of the gossip store: serves client reads and writes from local state (so it
 * stays available on any side of a partition), pushes each new write to its peers at once,
 * and — careful only — pulls what it is missing from every peer a few times a second
 * (anti-entropy by version-vector digest) and honours session tokens.
 *
 * careful: LWW stamps from a hybrid logical clock, causal delivery, fsync before ack,
 * anti-entropy, session tokens. naive: LWW on the raw wall clock, ops applied as they come,
 * live push only (a write a peer missed during a partition or crash is never repaired),
 * pushed ops judged by their wall-clock stamp (too old = a replay, dropped), lazy unsynced
 * persistence.
 */
import type http from 'node:http';
import type { NodeAddress } from '../kv/args.js';
import { callPeer, createPeerAgent } from '../kv/http.js';
import { definiteError, indefiniteError, type KvResult } from '../kv/ops.js';
import { DurableLog } from '../durable-log.js';
import type { Logger } from '../http-server.js';
import { HybridClock } from './hlc.js';
import { isGossipOp, type GossipOp, type OpKind, type VersionVector } from './ops.js';
import { Store } from './store.js';

/** The replica's op log in its data dir, one JSON op per line, replayed on start. */
const OP_LOG = 'ops.jsonl';


interface GossipConfig {
  id: string;
  nodes: NodeAddress[];
  dataDir: string;
  careful: boolean;
  /** careful: how often every peer is asked for missing ops. */
  antiEntropyMs?: number;
  /** careful: how long a request carrying a token waits for this replica to catch up. */
  tokenWaitMs?: number;
}

/** A client request after parsing: which data type, read or write, and its arguments. */
export type ClientRequest =
  | { op: 'read'; type: 'set' | 'counter' | 'register'; key: string; token?: VersionVector }
  | { op: 'write'; kind: OpKind; key: string; element?: string | number; delta?: number; value?: unknown; token?: VersionVector };

const PEER_TIMEOUTS = { connectTimeoutMs: 300, requestTimeoutMs: 1000 };
/** naive: pushed ops older than this (by the wall clock) are dropped as replays. */
const NAIVE_REPLAY_WINDOW_MS = 10_000;

export class GossipNode {
  private readonly store: Store;
  private readonly log: DurableLog<GossipOp>;
  private readonly hlc = new HybridClock();
  private readonly peers: NodeAddress[];
  private readonly agent: http.Agent = createPeerAgent();
  private readonly pulling = new Set<string>();
  private ownSeq = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cfg: GossipConfig,
    private readonly say: Logger,
  ) {
    this.store = new Store(cfg.careful);
    this.peers = cfg.nodes.filter((n) => n.id !== cfg.id);
    // careful: fsynced before an ack. naive: written once a second without fsync, the way many
    // services batch their persistence; a SIGKILL loses the last second, and the node then
    // hands out sequence numbers its peers have already seen, which they drop as duplicates.
    const { log, records: previous } = DurableLog.open(cfg.dataDir, OP_LOG, (x) => (isGossipOp(x) ? x : undefined), { durability: cfg.careful ? 'fsync' : 'lazy' });
    for (const op of previous) {
      this.store.offer(op);
      this.hlc.observe(op.ts);
      if (op.origin === cfg.id && op.seq > this.ownSeq) this.ownSeq = op.seq;
    }
    this.log = log;
    say(`recovered ${previous.length} op(s) from disk; own seq ${this.ownSeq}`);
    if (cfg.careful) {
      this.timer = setInterval(() => this.antiEntropy(), cfg.antiEntropyMs ?? 250);
      this.timer.unref();
    }
  }

  async handle(req: ClientRequest): Promise<KvResult> {
    if (this.cfg.careful && req.token !== undefined && !(await this.catchUp(req.token))) {
      // Serving now would break the session's guarantees; nothing was done, so say so.
      return definiteError(503, 'behind-session-token');
    }
    if (req.op === 'read') {
      const value =
        req.type === 'set' ? this.store.readSet(req.key) : req.type === 'counter' ? this.store.readCounter(req.key) : this.store.readRegister(req.key);
      return this.ok({ value });
    }
    const op: GossipOp = {
      origin: this.cfg.id,
      seq: this.ownSeq + 1,
      ts: this.cfg.careful ? this.hlc.now() : [Date.now(), 0],
      kind: req.kind,
      key: req.key,
    };
    if (this.cfg.careful) op.deps = { ...this.store.vv };
    if (req.element !== undefined) op.element = req.element;
    if (req.delta !== undefined) op.delta = req.delta;
    if (req.value !== undefined) op.value = req.value;
    if (req.kind === 'set-remove' && req.element !== undefined) op.removes = this.store.setDots(req.key, req.element);
    try {
      // careful: on disk (fsynced) before it exists anywhere else.
      this.log.append(op);
    } catch (e) {
      return indefiniteError(500, `storage: ${(e as Error).message}`);
    }
    this.ownSeq = op.seq;
    this.store.offer(op);
    this.push(op);
    return this.ok({});
  }

  /** POST /internal/push {ops} and /internal/pull {vv}. */
  async internal(path: string, body: unknown): Promise<KvResult | undefined> {
    const b = (body ?? {}) as Record<string, unknown>;
    if (path === '/internal/push') {
      const ops = Array.isArray(b['ops']) ? b['ops'].filter(isGossipOp) : [];
      this.receive(ops);
      return { status: 200, body: { ok: true } };
    }
    if (path === '/internal/pull') {
      const vv = (typeof b['vv'] === 'object' && b['vv'] !== null ? b['vv'] : {}) as VersionVector;
      return { status: 200, body: { ok: true, ops: this.store.missingFor(vv) } };
    }
    return undefined;
  }

  health(): Record<string, unknown> {
    return { vv: this.store.vv, pending: this.store.pendingCount(), ops: this.store.log.length };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.log.close();
  }

  private ok(extra: Record<string, unknown>): KvResult {
    // The token is the replica's version vector: everything this answer reflects.
    return { status: 200, body: { ok: true, ...extra, ...(this.cfg.careful ? { token: { ...this.store.vv } } : {}) } };
  }

  private receive(ops: readonly GossipOp[]): void {
    const applied: GossipOp[] = [];
    for (const op of ops) {
      // naive trusts wall clocks: an op stamped further back than the replay window is
      // taken for a replayed duplicate and dropped. A sender whose clock is behind (or a
      // receiver whose clock is ahead) loses every write it pushes.
      if (!this.cfg.careful && op.ts[0] < Date.now() - NAIVE_REPLAY_WINDOW_MS) continue;
      for (const a of this.store.offer(op)) {
        applied.push(a);
        if (this.cfg.careful) this.hlc.observe(a.ts);
      }
    }
    try {
      this.log.append(...applied);
    } catch (e) {
      // Not fatal: the ops stay in memory, and anti-entropy re-fetches them after a restart.
      this.say(`persisting received ops failed: ${(e as Error).message}`);
    }
  }

  /** Live push: one attempt per peer; a peer that misses it is repaired only by anti-entropy. */
  private push(op: GossipOp): void {
    for (const peer of this.peers) {
      void callPeer(peer, '/internal/push', { ops: [op] }, { ...PEER_TIMEOUTS, agent: this.agent });
    }
  }

  private antiEntropy(): void {
    for (const peer of this.peers) void this.pull(peer);
  }

  private async pull(peer: NodeAddress): Promise<void> {
    // One pull per peer at a time, so a slow peer cannot pile up requests.
    if (this.pulling.has(peer.id)) return;
    this.pulling.add(peer.id);
    try {
      const r = await callPeer(peer, '/internal/pull', { vv: this.store.vv }, { ...PEER_TIMEOUTS, agent: this.agent });
      if (r.kind !== 'answer' || r.response.status !== 200) return;
      const ops = (r.response.body as { ops?: unknown }).ops;
      if (Array.isArray(ops)) this.receive(ops.filter(isGossipOp));
    } finally {
      this.pulling.delete(peer.id);
    }
  }

  /** Waits until this replica has seen everything the token names, pulling eagerly. */
  private async catchUp(token: VersionVector): Promise<boolean> {
    // Monotonic: a clock fault on this node must not stretch or cut the wait.
    const deadline = performance.now() + (this.cfg.tokenWaitMs ?? 1000);
    while (!this.store.covers(token)) {
      if (performance.now() >= deadline) return false;
      this.antiEntropy();
      await new Promise((r) => setTimeout(r, 40));
    }
    return true;
  }
}
