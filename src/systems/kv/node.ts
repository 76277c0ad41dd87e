/**
 * What the HTTP server needs from a variant. Both variants implement it, so the server, the
 * wire format and the harness are identical whichever one runs.
 */
import type { KvOp, KvResult } from './ops.js';

export type { Logger } from '../http-server.js';

export interface KvNode {
  /** Serve a client operation (POST /read, /write, /cas). */
  handle(op: KvOp): Promise<KvResult>;
  /** Serve POST /internal/*; undefined means "no such endpoint" (404). */
  internal(path: string, body: unknown): Promise<KvResult | undefined>;
  /** Extra fields for GET /health (role, primary, ...). */
  health(): Record<string, unknown>;
  /** Stop timers and release files; called on SIGTERM. */
  close(): void;
}
