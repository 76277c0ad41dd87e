/**
 * MariaDB (Debian's mariadb-server) as a system under test: one server, its data
 * directory made with `mariadb-install-db` on the node's first start (into a scratch
 * directory renamed into place, so a kill during the install leaves nothing half made)
 * and kept across kills, so a restart is InnoDB's crash recovery. Like PostgreSQL it runs
 * on one node: what is under test is its isolation levels.
 *
 * mariadbd refuses to run as root unless told `--user`: the launch script hands the data
 * directory to the `mysql` user and `exec`s the server with `--user=mysql`, so it drops
 * to that user itself and the pid the backend signals is the server's own. Clients log in
 * as `faultline` (no password, any host), created by an init file at every start.
 *
 * InnoDB settings that matter to the test (besides `innodb_snapshot_isolation`, below): a lock wait times out after 1 s (default
 * 50 s, which turned every conflict into an op timeout) and then rolls back the whole
 * transaction (`innodb_rollback_on_timeout`), so the client knows it did not happen;
 * every commit is flushed to the log (`innodb_flush_log_at_trx_commit=1`, the default,
 * stated so it is not left to a config file); `--no-defaults` keeps Debian's
 * /etc/mysql out of it.
 */
import { existsSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { MARIADB_DATABASE, MARIADB_USER } from '../../clients/mariadb-txn.js';
import { FaultlineError } from '../../core/errors.js';
import type { SystemSpec } from '../../cluster/cluster.js';
import { requireServiceUser } from '../../cluster/privileges.js';
import { dockerfileImage, type ImageChoice } from '../../cluster/images/catalog.js';

export const MARIADB_PORT = 3306;

/** Debian's paths, on the host and in images/mariadb's image alike. */
const SERVER = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

// $1 data directory, $2 port, $3 ON or OFF for innodb_snapshot_isolation. `set -e`: a failed install stops the node with its error in
// the node's log instead of starting a server on a half-made directory.
const LAUNCH = `set -e
D="$1/mariadb"
mkdir -p "$D"
chown mysql:mysql "$D"
chmod 700 "$D"
if [ ! -d "$D/data/mysql" ]; then
  rm -rf "$D/data.new"
  if ! ${INSTALL_DB} --no-defaults --datadir="$D/data.new" --user=mysql --auth-root-authentication-method=normal --skip-test-db >"$D/install.log" 2>&1; then
    cat "$D/install.log"
    exit 1
  fi
  mv "$D/data.new" "$D/data"
fi
cat >"$D/init.sql" <<'SQL'
CREATE USER IF NOT EXISTS '${MARIADB_USER}'@'%';
GRANT ALL PRIVILEGES ON *.* TO '${MARIADB_USER}'@'%';
CREATE DATABASE IF NOT EXISTS ${MARIADB_DATABASE};
SQL
chown mysql:mysql "$D/init.sql"
exec ${SERVER} --no-defaults --user=mysql --datadir="$D/data" --port="$2" --bind-address=0.0.0.0 \\
  --socket="$D/mysqld.sock" --pid-file="$D/mysqld.pid" --skip-name-resolve --init-file="$D/init.sql" \\
  --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=1 \\
  --innodb-lock-wait-timeout=1 --innodb-rollback-on-timeout=ON --innodb-snapshot-isolation="$3" --max-connections=200`;

/**
 * The local backend runs the server from the host's mariadb-server and hands its data to
 * the mysql user, which takes real root (in Faultline's user-namespace fallback only uid 0
 * is mapped). Say so up front rather than fail at the first start.
 */
export function requireLocalMariadb(): void {
  if (!existsSync(SERVER) || !existsSync(INSTALL_DB)) throw new FaultlineError(`the mariadb workload needs MariaDB's server (${SERVER}, ${INSTALL_DB}): apt-get install -y mariadb-server`);
  requireServiceUser('mariadb', 'mysql', 'mariadb-server');
}

interface MariadbOptions {
  /**
   * `innodb_snapshot_isolation` (MariaDB 10.6.18+, off by default in 10.11): a write to a
   * row changed since the transaction's snapshot fails (ER_CHECKREAD, 1020) instead of
   * acting on the newer version.
   */
  snapshotIsolation?: boolean;
}

export function mariadbSystem(o: MariadbOptions = {}): SystemSpec & ImageChoice {
  return {
    name: 'mariadb',
    port: MARIADB_PORT,
    // On Docker, Debian's server in an image of its own (built once, by content hash).
    image: dockerfileImage('mariadb'),
    launch: ({ dataDir, port }) => ({ command: 'sh', args: ['-c', LAUNCH, 'faultline-mariadb', dataDir, String(port), o.snapshotIsolation ? 'ON' : 'OFF'] }),
    // Accepting TCP is not enough: the init file (our user) runs after the socket opens,
    // and crash recovery can still be rolling back. Ready means our user ran a query.
    async ready({ host, port }) {
      let c: mysql.Connection | undefined;
      try {
        c = await mysql.createConnection({ host, port, user: MARIADB_USER, database: MARIADB_DATABASE, connectTimeout: 1000 });
        c.on('error', () => undefined);
        await c.query('SELECT 1');
        return true;
      } catch {
        return false;
      } finally {
        c?.destroy();
      }
    },
    // mariadb-install-db on the first start takes seconds (11 s on a loaded 2-core
    // machine); recovery after a kill is quicker.
    readyTimeoutMs: 90_000,
    clock: 'libc',
  };
}
