/**
 * The careful variant: a fixed primary (the first node of --nodes) executes every operation,
 * one at a time, against a durable store; every other node only forwards.
 *
 * Why this is linearizable: each op takes effect at a single point (the primary's
 * synchronous `Store.execute`), which lies between the client's request and its answer.
 * Reads go to the primary too, so no node can answer from stale state. Availability is
 * what it gives up: with the primary down or cut off, nobody serves anything.
 *
 * Forwarding nodes must be honest about what they do not know. If the TCP connection to the
 * primary never came up, the primary cannot have seen the op → definite failure. Once the
 * request may have left, a missing answer says nothing about whether the primary applied
 * it → indefinite.
 */
import type { KvArgs, NodeAddress } from './args.js';
import { callPeer, createPeerAgent, type PeerCallOptions } from './http.js';
import type { KvNode, Logger } from './node.js';
import {
  casMismatch,
  definiteError,
  indefiniteError,
  okDone,
  okRead,
  parseInternalOp,
  type KvOp,
  type KvResult,
} from './ops.js';
import { Store } from './store.js';

const FORWARD_PATH = '/internal/exec';

export function createCareful(args: KvArgs, log: Logger, fatal: (message: string) => void): KvNode {
  const primary = args.nodes[0];
  if (primary === undefined) throw new Error('no nodes'); // parseArgs guarantees at least one
  return primary.id === args.id ? createPrimary(args, log, fatal) : createForwarder(args, primary, log);
}

function createPrimary(args: KvArgs, log: Logger, fatal: (message: string) => void): KvNode {
  const { store, replayed, truncatedBytes } = Store.open(args.dataDir);
  log(`primary: replayed ${replayed} log entries` + (truncatedBytes > 0 ? `, cut a torn last line of ${truncatedBytes} bytes` : ''));
  let broken = false;

  const execute = (op: KvOp): KvResult => {
    if (broken) return definiteError(503, 'storage-failed');
    try {
      const r = store.execute(op);
      switch (r.kind) {
        case 'read':
          return okRead(r.value);
        case 'written':
          return okDone();
        case 'cas-mismatch':
          return casMismatch();
      }
    } catch (e) {
      // A failed write or fsync leaves the log's state unknown (the entry may or may not be
      // on disk), so this op is indeterminate and the node must stop: carrying on would
      // risk acknowledging writes whose durability we can no longer vouch for.
      broken = true;
      fatal(`storage failure, exiting: ${e instanceof Error ? e.message : String(e)}`);
      return indefiniteError(500, 'storage-failure');
    }
  };

  return {
    handle: (op) => Promise.resolve(execute(op)),
    internal: (path, body) => {
      if (path !== FORWARD_PATH) return Promise.resolve(undefined);
      return Promise.resolve(execute(parseInternalOp(body)));
    },
    health: () => ({ role: 'primary', primary: args.id }),
    close: () => store.close(),
  };
}

function createForwarder(args: KvArgs, primary: NodeAddress, log: Logger): KvNode {
  const peerOpts: PeerCallOptions = {
    connectTimeoutMs: args.connectTimeoutMs,
    requestTimeoutMs: args.requestTimeoutMs,
    agent: createPeerAgent(),
  };
  // Only log transitions, so a long partition does not flood the node log.
  let lastState: string | undefined;
  const note = (state: string, detail: string): void => {
    if (state === lastState) return;
    lastState = state;
    log(`primary ${primary.id} ${state}${detail === '' ? '' : `: ${detail}`}`);
  };

  const forward = async (op: KvOp): Promise<KvResult> => {
    const outcome = await callPeer(primary, FORWARD_PATH, op, peerOpts);
    if (outcome.kind === 'answer') {
      const { status, body } = outcome.response;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        note('answering garbage', `HTTP ${status}`);
        return indefiniteError(503, 'bad-response');
      }
      note('reachable', '');
      return { status, body: body as Record<string, unknown> };
    }
    switch (outcome.code) {
      case 'connect':
        note('unreachable', outcome.message);
        return definiteError(503, 'unavailable');
      case 'timeout':
        note('not answering', outcome.message);
        return indefiniteError(503, 'timeout');
      case 'reset':
        note('dropped the connection', outcome.message);
        return indefiniteError(503, 'connection-reset');
      case 'bad-response':
        note('answering garbage', outcome.message);
        return indefiniteError(503, 'bad-response');
    }
  };

  return {
    handle: forward,
    internal: (path) => {
      // Only the primary executes; a forwarded op landing here means two nodes disagree
      // about --nodes. Refusing is definite: nothing was applied.
      if (path !== FORWARD_PATH) return Promise.resolve(undefined);
      return Promise.resolve(definiteError(503, 'not-primary'));
    },
    health: () => ({ role: 'forwarder', primary: primary.id }),
    close: () => peerOpts.agent.destroy(),
  };
}
