/**
 * List-append transactions against PostgreSQL: each key is a row holding an integer array.
 *
 *   BEGIN ISOLATION LEVEL <level>
 *   ['r', k, _]       SELECT v FROM lists WHERE k = $1              ([] when there is no row)
 *   ['append', k, x]  INSERT … VALUES (k, ARRAY[x]) ON CONFLICT (k) DO UPDATE SET v = lists.v || x
 *   COMMIT
 *
 * What the outcome means, which is what keeps the checker honest:
 *  - the server answered an error (a serialization failure, a deadlock): it rolled the
 *    transaction back, so `fail` (unless it was going down while committing: `info`);
 *  - the connection broke or timed out before COMMIT was sent: a transaction never
 *    committed dies with its connection, so `fail`;
 *  - it broke after COMMIT was sent but before the answer: the transaction may have
 *    committed, so `info`.
 */
import pg from 'pg';
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { Client, ClientOp, ClientResult } from './client.js';

export type Isolation = 'serializable' | 'repeatable-read' | 'read-committed';

const LEVEL: Record<Isolation, string> = {
  serializable: 'SERIALIZABLE',
  'repeatable-read': 'REPEATABLE READ',
  'read-committed': 'READ COMMITTED',
};

type Mop = [string, number, unknown];

export class PostgresAppendClient implements Client {
  private conn: pg.Client | undefined;

  constructor(
    private readonly isolation: Isolation,
    private readonly target?: { host: string; port: number },
  ) {}

  async open(test: TestRuntime, node: string): Promise<Client> {
    return new PostgresAppendClient(this.isolation, test.cluster.address(node));
  }

  private async connection(): Promise<pg.Client> {
    if (this.conn) return this.conn;
    if (!this.target) throw new Error('client not opened');
    const c = new pg.Client({ ...this.target, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
    // A connection that breaks between ops emits an error event; the next op reconnects.
    c.on('error', () => {
      if (this.conn === c) this.conn = undefined;
    });
    await c.connect();
    this.conn = c;
    return c;
  }

  /** Drops the connection at once (no goodbye to a server that may be paused). */
  private drop(): void {
    const c = this.conn;
    this.conn = undefined;
    (c as unknown as { connection?: { stream?: { destroy(): void } } } | undefined)?.connection?.stream?.destroy();
  }

  async setup(): Promise<void> {
    const c = await this.connection();
    await c.query('CREATE TABLE IF NOT EXISTS lists (k integer PRIMARY KEY, v integer[] NOT NULL)');
  }

  async invoke(_test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    if (op.f !== 'txn') throw new Error(`postgres list-append client: unknown op ${op.f}`);
    const mops = op.value as Mop[];
    let committing = false;
    const onAbort = () => this.drop();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const c = await this.connection();
      await c.query(`BEGIN ISOLATION LEVEL ${LEVEL[this.isolation]}`);
      const done: Mop[] = [];
      for (const [f, k, x] of mops) {
        if (f === 'r') {
          const r = await c.query<{ v: number[] }>('SELECT v FROM lists WHERE k = $1', [k]);
          done.push(['r', k, r.rows[0]?.v ?? []]);
        } else {
          await c.query('INSERT INTO lists (k, v) VALUES ($1, ARRAY[$2::integer]) ON CONFLICT (k) DO UPDATE SET v = lists.v || $2::integer', [k, x]);
          done.push(['append', k, x]);
        }
      }
      committing = true;
      await c.query('COMMIT');
      return { type: 'ok', value: done };
    } catch (e) {
      const err = e as { code?: string; message?: string };
      const serverSaid = typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code);
      // A server going down (class 57: shutdown, crash; 08: connection; XX: internal)
      // can answer COMMIT with an error after its commit record reached the disk.
      const mayHaveCommitted = committing && (!serverSaid || /^(57|08|XX)/.test(err.code!));
      if (serverSaid && !mayHaveCommitted) {
        // The server rolled back; clear the aborted transaction before the next op.
        await this.conn?.query('ROLLBACK').catch(() => this.drop());
        return { type: 'fail', value: mops, error: `${err.code}: ${err.message ?? ''}`.trim() };
      }
      this.drop();
      return { type: mayHaveCommitted ? 'info' : 'fail', value: mops, error: `${serverSaid ? `${err.code}: ` : ''}${err.message ?? String(e)}` };
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
