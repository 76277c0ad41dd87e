/**
 * PostgreSQL for the transaction runner (sql-txn.ts), through `pg`:
 *
 *   BEGIN ISOLATION LEVEL <level>
 *   list-append  table lists (k integer PRIMARY KEY, v integer[])
 *     ['r', k, _]       SELECT v FROM lists WHERE k = $1          ([] when there is no row)
 *     ['append', k, x]  INSERT … VALUES (k, ARRAY[x]) ON CONFLICT (k) DO UPDATE SET v = lists.v || x
 *   rw-register  table registers (k integer PRIMARY KEY, v integer)
 *     ['r', k, _]       SELECT v FROM registers WHERE k = $1      (null when there is no row)
 *     ['w', k, v]       INSERT … VALUES (k, v) ON CONFLICT (k) DO UPDATE SET v = excluded.v
 *
 * A server error carries a five-character SQLSTATE; one of class 57 (shutdown, crash),
 * 08 (connection) or XX (internal) answering COMMIT may come after the commit record
 * reached the disk.
 */
import pg from 'pg';
import type { NodeAddress } from '../cluster/cluster.js';
import { isolationSql, SqlTxnClient, type ErrorReading, type Isolation, type Mop, type SqlDatabase, type SqlSession, type TxnKind } from './sql-txn.js';

const TABLES: Record<TxnKind, string> = {
  'list-append': 'CREATE TABLE IF NOT EXISTS lists (k integer PRIMARY KEY, v integer[] NOT NULL)',
  'rw-register': 'CREATE TABLE IF NOT EXISTS registers (k integer PRIMARY KEY, v integer NOT NULL)',
};

const postgresDatabase: SqlDatabase = {
  async connect(target: NodeAddress, broken: () => void): Promise<SqlSession> {
    const c = new pg.Client({ ...target, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
    // A connection that breaks between ops emits an error event; the next op reconnects.
    c.on('error', broken);
    await c.connect();
    return {
      query: async (sql, params) => (await c.query(sql, params as unknown[] | undefined)).rows as Record<string, unknown>[],
      destroy: () => (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy(),
      end: () => c.end(),
    };
  },
  begin: (isolation: Isolation) => [`BEGIN ISOLATION LEVEL ${isolationSql(isolation)}`],
  async setup(s, kind) {
    await s.query(TABLES[kind]);
  },
  async microOp(s, kind, [f, k, x]): Promise<Mop> {
    if (kind === 'list-append') {
      if (f === 'r') return ['r', k, ((await s.query('SELECT v FROM lists WHERE k = $1', [k]))[0]?.v as number[] | undefined) ?? []];
      await s.query('INSERT INTO lists (k, v) VALUES ($1, ARRAY[$2::integer]) ON CONFLICT (k) DO UPDATE SET v = lists.v || $2::integer', [k, x]);
      return ['append', k, x];
    }
    if (f === 'r') return ['r', k, (await s.query('SELECT v FROM registers WHERE k = $1', [k]))[0]?.v ?? null];
    await s.query('INSERT INTO registers (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v', [k, x]);
    return ['w', k, x];
  },
  readError(e, committing): ErrorReading {
    const err = e as { code?: string; message?: string };
    const serverSaid = typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code);
    return {
      serverSaid,
      mayHaveCommitted: committing && serverSaid && /^(57|08|XX)/.test(err.code!),
      message: `${serverSaid ? `${err.code}: ` : ''}${err.message ?? String(e)}`.trim(),
    };
  },
};

/** A PostgreSQL client for `kind`'s transactions at `isolation`. */
export const postgresTxnClient = (kind: TxnKind, isolation: Isolation): SqlTxnClient => new SqlTxnClient(postgresDatabase, kind, isolation);
