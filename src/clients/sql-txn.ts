/**
 * Transactions of micro-ops against a SQL database, for the transactional checkers:
 *
 *   list-append   ['r', k, null] reads k's list; ['append', k, x] appends x to it
 *   rw-register   ['r', k, null] reads k's value (null when unset); ['w', k, v] sets it
 *
 *   <begin at the isolation level>  micro-op … micro-op  COMMIT
 *
 * The database (postgres-txn.ts, mariadb-txn.ts) supplies the driver, the statements and
 * which errors are the server's answer. What the outcome means, which is what keeps the
 * checker honest:
 *  - the server answered an error (a serialization failure, a deadlock, a lock wait
 *    timeout): the transaction is rolled back (the client says ROLLBACK to be sure), so
 *    `fail` — unless the answer came to COMMIT from a server going down, which may have
 *    written its commit record first: `info`;
 *  - the connection broke or timed out before COMMIT was sent: a transaction never
 *    committed dies with its connection, so `fail`;
 *  - it broke after COMMIT was sent but before the answer: it may have committed, `info`.
 */
import type { NodeAddress } from '../cluster/cluster.js';
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { Client, ClientOp, ClientResult } from './client.js';
import { failure } from './outcome.js';

export type TxnKind = 'list-append' | 'rw-register';
export const TXN_KINDS: readonly TxnKind[] = ['list-append', 'rw-register'];

export type Isolation = 'serializable' | 'repeatable-read' | 'read-committed' | 'read-uncommitted';

/** The SQL name of an isolation level. */
export const isolationSql = (i: Isolation): string => i.toUpperCase().replace('-', ' ');

export type Mop = [string, number, unknown];

/** One open connection, as the transaction runner needs it. */
export interface SqlSession {
  /** Rows as objects. */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Drops the connection at once (no goodbye to a server that may be paused). */
  destroy(): void;
  /** Closes it politely. */
  end(): Promise<void>;
}

/** What the runner makes of an error. */
export interface ErrorReading {
  /** The server answered it (the transaction, or at least the statement, was rolled back). */
  serverSaid: boolean;
  /** Answered to COMMIT by a server going down: it may have committed all the same. */
  mayHaveCommitted: boolean;
  message: string;
}

/** A database the runner can drive: its driver, statements and errors. */
export interface SqlDatabase {
  /** `broken` is called when the connection fails between ops (the next op reconnects). */
  connect(target: NodeAddress, broken: () => void): Promise<SqlSession>;
  /** The statements that start a transaction at `isolation`. */
  begin(isolation: Isolation): readonly string[];
  /** Creates what `kind`'s micro-ops use (once per test, before any op). */
  setup(session: SqlSession, kind: TxnKind): Promise<void>;
  /** Runs one micro-op; the completed micro-op (a read with its value). */
  microOp(session: SqlSession, kind: TxnKind, mop: Mop): Promise<Mop>;
  readError(e: unknown, committing: boolean): ErrorReading;
}

export class SqlTxnClient implements Client {
  private conn: SqlSession | undefined;

  constructor(
    private readonly db: SqlDatabase,
    private readonly kind: TxnKind,
    private readonly isolation: Isolation,
    private readonly target?: NodeAddress,
  ) {}

  async open(test: TestRuntime, node: string): Promise<Client> {
    return new SqlTxnClient(this.db, this.kind, this.isolation, test.cluster.address(node));
  }

  private async connection(): Promise<SqlSession> {
    if (this.conn) return this.conn;
    if (!this.target) throw new Error('client not opened');
    const c = await this.db.connect(this.target, () => {
      if (this.conn === c) this.conn = undefined;
    });
    this.conn = c;
    return c;
  }

  private drop(): void {
    const c = this.conn;
    this.conn = undefined;
    c?.destroy();
  }

  async setup(): Promise<void> {
    await this.db.setup(await this.connection(), this.kind);
  }

  async invoke(_test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    if (op.f !== 'txn') throw new Error(`${this.kind} client: unknown op ${op.f}`);
    const mops = op.value as Mop[];
    let committing = false;
    const onAbort = () => this.drop();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const c = await this.connection();
      for (const sql of this.db.begin(this.isolation)) await c.query(sql);
      const done: Mop[] = [];
      for (const mop of mops) done.push(await this.db.microOp(c, this.kind, mop));
      committing = true;
      await c.query('COMMIT');
      return { type: 'ok', value: done };
    } catch (e) {
      const r = this.db.readError(e, committing);
      if (r.serverSaid && !r.mayHaveCommitted) {
        // The server rolled back; make sure nothing of it stays open for the next op.
        await this.conn?.query('ROLLBACK').catch(() => this.drop());
        return failure('refused', mops, r.message);
      }
      this.drop();
      // Before COMMIT was sent the transaction cannot commit; after, it may have.
      return failure(committing ? 'no-answer' : 'not-sent', mops, r.message);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async teardown(): Promise<void> {}

  async close(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    await c?.end().catch(() => undefined);
  }
}
