/**
 * PostgreSQL (Debian's postgresql package) as a system under test: one server, its
 * cluster initialised on first start in the node's data directory (kept across kills, so
 * a restart is crash recovery from the WAL), accepting every client on the cluster
 * network without a password. PostgreSQL has no built-in replication to test here, so it
 * runs on one node; what is under test is its isolation levels.
 *
 * The server refuses to run as root, and the local backend starts nodes as root: a small
 * shell script prepares the data directory, hands it to the `postgres` user and `exec`s
 * the server under that user with `setpriv`, so the pid the backend signals is the
 * server's own (and its process group holds the backends it forks).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { FaultlineError } from '../../core/errors.js';
import type { SystemSpec } from '../../cluster/cluster.js';
import { requireServiceUser } from '../../cluster/privileges.js';
import { dockerfileImage, type ImageChoice } from '../../cluster/images/catalog.js';

export const POSTGRES_PORT = 5432;

/** The newest installed server's bin directory, or FAULTLINE_POSTGRES_BIN. */
function postgresBin(): string {
  const env = process.env.FAULTLINE_POSTGRES_BIN;
  if (env) {
    if (!existsSync(join(env, 'postgres'))) throw new FaultlineError(`FAULTLINE_POSTGRES_BIN=${env} has no postgres binary`);
    return env;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new FaultlineError('the postgres workload needs a PostgreSQL server: apt-get install -y postgresql (or set FAULTLINE_POSTGRES_BIN)');
  return join(root, newest, 'bin');
}

// $1 data directory, $2 port, $3 bin directory. `set -e`: a failed initdb stops the node
// with its error in the node's log instead of starting a server on a half-made cluster.
// Appends to the same keys in different orders deadlock; PostgreSQL finds that only after
// deadlock_timeout (1 s by default), which stalled whole runs: 100 ms keeps them moving.
const LAUNCH = `set -e
D="$1/pg"
mkdir -p "$D"
chown postgres:postgres "$D"
chmod 700 "$D"
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ ! -f "$D/PG_VERSION" ]; then
  as_pg "$3/initdb" --pgdata="$D" --username=postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
  echo "host all all 0.0.0.0/0 trust" >> "$D/pg_hba.conf"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$3/postgres" -D "$D" -p "$2" \\
  -c listen_addresses='*' -c unix_socket_directories="$D" -c fsync=on -c synchronous_commit=on \\
  -c max_connections=100 -c deadlock_timeout=100ms`;

/**
 * The local backend starts the server as the `postgres` user, which takes real root: in a
 * user namespace (Faultline's fallback for a normal user) only uid 0 is mapped, so the
 * switch would fail at the first start with a cryptic setpriv error. Say so up front.
 */
export function requireLocalPostgres(): void {
  postgresBin();
  requireServiceUser('postgres', 'postgres', 'postgresql');
}

/** Where images/postgres/Dockerfile links the server's bin directory. */
const IMAGE_BIN = '/opt/postgres-bin';

export function postgresSystem(): SystemSpec & ImageChoice {
  return {
    name: 'postgres',
    port: POSTGRES_PORT,
    // On Docker, Debian's server in an image of its own (built once, by content hash).
    image: dockerfileImage('postgres'),
    launch: ({ dataDir, port, backend }) => ({
      command: 'sh',
      args: ['-c', LAUNCH, 'faultline-postgres', dataDir, String(port), backend === 'docker' ? IMAGE_BIN : postgresBin()],
    }),
    // Accepting TCP is not enough: during start-up and crash recovery the server answers
    // "the database system is starting up". Ready means a query ran.
    async ready({ host, port }) {
      const c = new pg.Client({ host, port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 500 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        await c.query('SELECT 1');
        return true;
      } catch {
        return false;
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    // initdb on first start takes a few seconds; recovery after a kill is quicker.
    readyTimeoutMs: 60_000,
    clock: 'libc',
  };
}
