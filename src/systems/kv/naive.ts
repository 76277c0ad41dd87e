/**
 * The naive variant: what gets shipped by mistake. Every node answers reads, writes and cas
 * from its own memory immediately, and tells its peers about writes later, fire-and-forget.
 * Conflicts are resolved last-writer-wins by a (timestamp, node id) version.
 *
 * It is deliberately *not* linearizable, in the ordinary ways:
 *  - stale reads: a write acknowledged by n1 is invisible on n2 until replication lands;
 *  - lost updates: cas on two nodes can both succeed from the same old value, and LWW
 *    then silently discards one of the acknowledged results;
 *  - lost writes: replication is never retried, so a partition drops updates for good,
 *    and state is only snapshotted lazily (no fsync), so kill -9 forgets recent writes.
 * Replicas do converge once quiet and fully connected (LWW with a total order on versions),
 * so a convergence checker can pass while the linearizability checker fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { KvArgs, NodeAddress } from './args.js';
import { callPeer, createPeerAgent, type PeerCallOptions } from './http.js';
import type { KvNode, Logger } from './node.js';
import { BadRequest, casMismatch, okDone, okRead, type KvOp, type KvResult, type KvValue } from './ops.js';

const REPLICATE_PATH = '/internal/replicate';
const SNAPSHOT_FILE = 'naive-snapshot.json';
const SNAPSHOT_INTERVAL_MS = 1000;

interface Versioned {
  value: KvValue;
  ts: number;
  node: string;
}

/** Total order on versions: timestamp first, node id breaks ties. */
function newer(a: Versioned, b: Versioned | undefined): boolean {
  if (b === undefined) return true;
  if (a.ts !== b.ts) return a.ts > b.ts;
  return a.node > b.node;
}

export function createNaive(args: KvArgs, log: Logger): KvNode {
  const peers: NodeAddress[] = args.nodes.filter((n) => n.id !== args.id);
  const state = new Map<string, Versioned>();
  const peerOpts: PeerCallOptions = {
    connectTimeoutMs: args.connectTimeoutMs,
    requestTimeoutMs: args.requestTimeoutMs,
    agent: createPeerAgent(),
  };
  const snapshotFile = path.join(args.dataDir, SNAPSHOT_FILE);
  let dirty = false;
  let lastTs = 0;
  const timers = new Set<NodeJS.Timeout>();

  const loaded = loadSnapshot(snapshotFile, state);
  log(`naive: loaded ${loaded} keys from snapshot`);

  // Per-peer reachability, logged on change only.
  const peerState = new Map<string, boolean>();
  const notePeer = (peer: NodeAddress, up: boolean, detail: string): void => {
    if (peerState.get(peer.id) === up) return;
    peerState.set(peer.id, up);
    log(`peer ${peer.id} ${up ? 'reachable' : `unreachable: ${detail}`}`);
  };

  const apply = (key: string, v: Versioned): boolean => {
    if (!newer(v, state.get(key))) return false;
    state.set(key, v);
    dirty = true;
    return true;
  };

  const replicate = (key: string, v: Versioned): void => {
    const delay = args.replicationDelayMs ?? 50 + Math.floor(Math.random() * 151);
    const timer = setTimeout(() => {
      timers.delete(timer);
      for (const peer of peers) {
        // Fire-and-forget: no retry, no acknowledgement awaited by the client. This is the bug.
        void callPeer(peer, REPLICATE_PATH, { key, ...v }, peerOpts).then((o) => {
          notePeer(peer, o.kind === 'answer', o.kind === 'failed' ? o.message : '');
        });
      }
    }, delay);
    timers.add(timer);
  };

  const localWrite = (key: string, value: KvValue): void => {
    // Strictly above both our last stamp and the key's current version, so a local write
    // always wins locally and every replica orders it the same way.
    const ts = Math.max(Date.now(), lastTs + 1, (state.get(key)?.ts ?? 0) + 1);
    lastTs = ts;
    const v: Versioned = { value, ts, node: args.id };
    apply(key, v);
    replicate(key, v);
  };

  const handle = (op: KvOp): KvResult => {
    const current = state.get(op.key)?.value ?? null;
    switch (op.f) {
      case 'read':
        return okRead(current);
      case 'write':
        localWrite(op.key, op.value);
        return okDone();
      case 'cas':
        // Compared against this replica's possibly stale copy: two nodes can both succeed.
        if (current !== op.from) return casMismatch();
        localWrite(op.key, op.to);
        return okDone();
    }
  };

  // Lazy persistence: a snapshot now and then, without fsync. Acknowledged writes made since
  // the last snapshot are lost on kill -9.
  let snapshotting = false; // two overlapping writes to the same tmp file would interleave
  const snapshotTimer = setInterval(() => {
    if (!dirty || snapshotting) return;
    dirty = false;
    snapshotting = true;
    const tmp = `${snapshotFile}.tmp`;
    const data = JSON.stringify(Object.fromEntries(state));
    fs.promises
      .writeFile(tmp, data)
      .then(() => fs.promises.rename(tmp, snapshotFile))
      .catch((e: unknown) => log(`snapshot failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        snapshotting = false;
      });
  }, SNAPSHOT_INTERVAL_MS);
  snapshotTimer.unref();

  return {
    handle: (op) => Promise.resolve(handle(op)),
    internal: (p, body) => {
      if (p !== REPLICATE_PATH) return Promise.resolve(undefined);
      const { key, v } = parseReplicate(body);
      apply(key, v);
      return Promise.resolve(okDone());
    },
    health: () => ({ role: 'replica' }),
    close: () => {
      clearInterval(snapshotTimer);
      for (const t of timers) clearTimeout(t);
      peerOpts.agent.destroy();
    },
  };
}

function parseReplicate(body: unknown): { key: string; v: Versioned } {
  if (typeof body !== 'object' || body === null) throw new BadRequest('body must be a JSON object');
  const b = body as Record<string, unknown>;
  const key = b['key'];
  const v = toVersioned(b);
  if (typeof key !== 'string' || key === '' || v === undefined) throw new BadRequest('bad replicate message');
  return { key, v };
}

function toVersioned(r: Record<string, unknown>): Versioned | undefined {
  const value = r['value'];
  const ts = r['ts'];
  const node = r['node'];
  if (value !== null && !(typeof value === 'number' && Number.isSafeInteger(value))) return undefined;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || typeof node !== 'string') return undefined;
  return { value, ts, node };
}

/** Best effort, like everything here: an unreadable snapshot just means starting empty. */
function loadSnapshot(file: string, into: Map<string, Versioned>): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return 0;
  }
  if (typeof parsed !== 'object' || parsed === null) return 0;
  for (const [key, raw] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const v = toVersioned(raw as Record<string, unknown>);
    if (v !== undefined) into.set(key, v);
  }
  return into.size;
}
