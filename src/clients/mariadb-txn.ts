/**
 * MariaDB (InnoDB) for the transaction runner (sql-txn.ts), through `mysql2`:
 *
 *   SET TRANSACTION ISOLATION LEVEL <level>; START TRANSACTION
 *   list-append  table lists (k INT PRIMARY KEY, v TEXT): the list as "1,2,3", as Jepsen's
 *                MySQL tests keep it (MariaDB has no arrays)
 *     ['r', k, _]       SELECT v FROM lists WHERE k = ?              ([] when there is no row)
 *     ['append', k, x]  INSERT … VALUES (k, 'x') ON DUPLICATE KEY UPDATE v = CONCAT(v, ',', 'x')
 *   rw-register  table registers (k INT PRIMARY KEY, v INT)
 *     ['r', k, _]       SELECT v FROM registers WHERE k = ?          (null when there is no row)
 *     ['w', k, v]       INSERT … VALUES (k, v) ON DUPLICATE KEY UPDATE v = v'
 *
 * In InnoDB a plain SELECT reads the transaction's snapshot (a locking read under
 * SERIALIZABLE), while INSERT … ON DUPLICATE KEY UPDATE reads and locks the latest
 * committed row: the mix is what repeatable read is tested on.
 *
 * A server error has an errno and a SQLSTATE; mysql2 marks connection-level failures
 * `fatal`. A deadlock (1213) or a lock wait timeout (1205, with innodb_rollback_on_timeout)
 * rolls back the whole transaction. To COMMIT, an answer of shutdown (1053), error during
 * commit (1180) or connection killed (1927) may come after the commit was logged.
 */
import mysql from 'mysql2/promise';
import type { NodeAddress } from '../cluster/cluster.js';
import { isolationSql, SqlTxnClient, type ErrorReading, type Isolation, type Mop, type SqlDatabase, type SqlSession, type TxnKind } from './sql-txn.js';

/** The account and database clients use (the mariadb system creates them). */
export const MARIADB_USER = 'faultline';
export const MARIADB_DATABASE = 'faultline';

const TABLES: Record<TxnKind, string> = {
  'list-append': 'CREATE TABLE IF NOT EXISTS lists (k INT PRIMARY KEY, v TEXT NOT NULL) ENGINE=InnoDB',
  'rw-register': 'CREATE TABLE IF NOT EXISTS registers (k INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB',
};

/** Errors answered to COMMIT that do not prove it failed. */
const COMMIT_IN_DOUBT: ReadonlySet<number> = new Set([1053, 1180, 1927]);

/** "1,2,3" (or no row) as the list it stores. */
function list(v: unknown): number[] {
  if (v === undefined || v === null || v === '') return [];
  return String(v).split(',').map(Number);
}

const mariadbDatabase: SqlDatabase = {
  async connect(target: NodeAddress, broken: () => void): Promise<SqlSession> {
    const c = await mysql.createConnection({ ...target, user: MARIADB_USER, database: MARIADB_DATABASE, connectTimeout: 2000 });
    c.on('error', broken);
    return {
      query: async (sql, params) => {
        const [rows] = await c.query(sql, params as unknown[] | undefined);
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      },
      destroy: () => c.destroy(),
      end: () => c.end(),
    };
  },
  begin: (isolation: Isolation) => [`SET TRANSACTION ISOLATION LEVEL ${isolationSql(isolation)}`, 'START TRANSACTION'],
  async setup(s, kind) {
    await s.query(TABLES[kind]);
  },
  async microOp(s, kind, [f, k, x]): Promise<Mop> {
    if (kind === 'list-append') {
      if (f === 'r') return ['r', k, list((await s.query('SELECT v FROM lists WHERE k = ?', [k]))[0]?.v)];
      await s.query("INSERT INTO lists (k, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = CONCAT(v, ',', ?)", [k, String(x), String(x)]);
      return ['append', k, x];
    }
    if (f === 'r') return ['r', k, (await s.query('SELECT v FROM registers WHERE k = ?', [k]))[0]?.v ?? null];
    await s.query('INSERT INTO registers (k, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = ?', [k, x, x]);
    return ['w', k, x];
  },
  readError(e, committing): ErrorReading {
    const err = e as { errno?: number; sqlState?: string; code?: string; fatal?: boolean; message?: string };
    const serverSaid = typeof err.errno === 'number' && typeof err.sqlState === 'string' && err.fatal !== true;
    return {
      serverSaid,
      mayHaveCommitted: committing && serverSaid && COMMIT_IN_DOUBT.has(err.errno!),
      message: `${serverSaid ? `${err.errno} (${err.sqlState}): ` : err.code ? `${err.code}: ` : ''}${err.message ?? String(e)}`.trim(),
    };
  },
};

/** A MariaDB client for `kind`'s transactions at `isolation`. */
export const mariadbTxnClient = (kind: TxnKind, isolation: Isolation): SqlTxnClient => new SqlTxnClient(mariadbDatabase, kind, isolation);
