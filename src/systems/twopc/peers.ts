/**
 * Calls between nodes, with the honesty the harness expects passed through: a call that
 * never connected certainly did not arrive; one that timed out or broke may have.
 */
import type { NodeAddress } from '../kv/args.js';
import { callPeer, createPeerAgent, type PeerOutcome } from '../kv/http.js';


export class Peers {
  private readonly agent = createPeerAgent();
  private readonly byId: Map<string, NodeAddress>;

  constructor(nodes: readonly NodeAddress[]) {
    this.byId = new Map(nodes.map((n) => [n.id, n]));
  }

  /** POST `body` to `node`'s `path`; never throws. */
  call(node: string, path: string, body: unknown, timeoutMs: number): Promise<PeerOutcome> {
    const addr = this.byId.get(node);
    if (addr === undefined) return Promise.resolve({ kind: 'failed', code: 'connect', message: `unknown node ${node}` });
    return callPeer(addr, path, body, { connectTimeoutMs: Math.min(500, timeoutMs), requestTimeoutMs: timeoutMs, agent: this.agent });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The JSON body of a 2xx answer, or undefined for anything else. */
export function okBody(o: PeerOutcome): Record<string, unknown> | undefined {
  if (o.kind !== 'answer' || o.response.status < 200 || o.response.status > 299) return undefined;
  const b = o.response.body;
  return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : undefined;
}

/** The JSON body of any answer (error answers carry `error` and `definite`). */
export function anyBody(o: PeerOutcome): Record<string, unknown> | undefined {
  if (o.kind !== 'answer') return undefined;
  const b = o.response.body;
  return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : undefined;
}

export const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
