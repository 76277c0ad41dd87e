/** The part of zkjs (a pure-JavaScript ZooKeeper client, no types of its own) Faultline uses. */
declare module 'zkjs' {
  import type { EventEmitter } from 'node:events';

  export interface ZnodeStat {
    version: number;
  }
  export type Errno = number;

  export interface RetryPolicy {
    readonly _brand?: 'retry';
  }

  export interface SessionOptions {
    hosts: string[];
    /** Session timeout the client asks for, in ms. */
    timeout?: number;
    /** Per-request timeout in ms; 0 means none. */
    requestTimeout?: number;
    retryPolicy?: RetryPolicy;
    retryOn?: number[];
    maxReconnectAttepts?: number;
    readOnly?: boolean;
    autoResetWatches?: boolean;
    logger?: Partial<Console>;
  }

  export interface Session extends EventEmitter {
    start(cb: (err?: Errno | null) => void): void;
    close(cb?: () => void): void;
    get(path: string, cb: (err: Errno | null, data: Buffer, stat: ZnodeStat) => void): void;
    set(path: string, data: string | Buffer, version: number, cb: (err: Errno | null, stat: ZnodeStat) => void): void;
    create(path: string, data: string | Buffer, flags: number, cb: (err: Errno | null, path: string) => void): void;
    sync(path: string, cb: (err: Errno | null, path: string) => void): void;
    expired: boolean;
    closed: boolean;
    ensemble: { client: { destroy(): void } | null; connected: boolean; reconnectTimer: NodeJS.Timeout | null };
  }

  export interface ZKStatic {
    new (options: SessionOptions): Session;
    errors: Record<string, number> & { toError(errno: number): Error | null };
    retry: { no(): RetryPolicy };
    create: { NONE: number };
  }

  const ZK: ZKStatic;
  export default ZK;
}
