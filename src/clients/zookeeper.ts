/**
 * Register client for ZooKeeper through zkjs (pure JavaScript, so nothing native to build):
 * each key is a znode `/faultline/<key>` holding the JSON text of its value.
 *
 *   read   getData                      (`sync` mode: sync(path) first, on the same session)
 *   write  setData(version -1)
 *   cas    getData, compare, setData(version read): a BADVERSION means another write came
 *          between, so the cas did not happen
 *
 * One session per worker, connected to its own node only: in `local` mode a read is
 * answered by that member from its own state, which ZooKeeper documents as sequentially
 * consistent (a member may lag the leader); `sync` makes the member catch up with the
 * leader before the read, which is the documented way to read the latest write.
 *
 * Outcomes: an error answer from the server (BADVERSION, NONODE) is a definite `fail`; a
 * read that errs is a `fail` (it changed nothing); a write or cas that loses its
 * connection or times out is `info`. zkjs retries nothing (retry policy `no`) and has no
 * request timeout: the runner's per-op abort is the only timeout, and an aborted session
 * is dropped, so a request zkjs buffered while disconnected is never sent later.
 */
import ZK from 'zkjs';
import type { Session } from 'zkjs';
import type { Cluster } from '../cluster/cluster.js';
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { Client, ClientOp, ClientResult } from './client.js';
import { failure, unknownOp } from './outcome.js';
import { raceAbort } from './race-abort.js';

export type ZookeeperReads = 'sync' | 'local';

const ROOT = '/faultline';
const znode = (key: string) => `${ROOT}/${key}`;
/** Session timeout asked for (the server clamps it to 2–20 ticks: 1–10 s at tickTime 500). */
const SESSION_TIMEOUT_MS = 5000;

class ZkError extends Error {
  constructor(
    readonly errno: number,
    what: string,
  ) {
    super(`${what}: ${ZK.errors.toError(errno)?.message ?? `error ${errno}`}`);
  }
}

/** Resolves with the callback's results, or rejects with the ZooKeeper error it names. */
function call<T extends unknown[]>(what: string, fn: (cb: (err: number | null | undefined, ...rest: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    try {
      fn((err, ...rest) => (err ? reject(new ZkError(err, what)) : resolve(rest)));
    } catch (e) {
      // zkjs asserts synchronously, e.g. on an expired session: nothing was sent.
      reject(new NotSent(`${what}: ${(e as Error).message}`));
    }
  });
}

class NotSent extends Error {}

export class ZookeeperClient implements Client {
  private session: Session | undefined;
  private starting: Promise<Session> | undefined;
  /** Every session not yet dropped, connecting ones included: close() ends them all. */
  private readonly sessions = new Set<Session>();

  /**
   * @param ensembleReady resolves once the ensemble serves (throws a one-line error when it
   *   never does); setup waits for it, so the first ops measure ZooKeeper, not its boot.
   */
  constructor(
    private readonly reads: ZookeeperReads,
    private readonly keys: readonly string[],
    private readonly ensembleReady: (cluster: Cluster) => Promise<void>,
    private readonly target?: string,
  ) {}

  async open(test: TestRuntime, node: string): Promise<Client> {
    const a = test.cluster.address(node);
    return new ZookeeperClient(this.reads, this.keys, this.ensembleReady, `${a.host}:${a.port}`);
  }

  /** A started session with this worker's member, reusing the current one while it lives. */
  private connect(): Promise<Session> {
    if (this.session && !this.session.expired && !this.session.closed) return Promise.resolve(this.session);
    if (this.starting) return this.starting;
    if (!this.target) throw new Error('client not opened');
    const s: Session = new ZK({ hosts: [this.target], timeout: SESSION_TIMEOUT_MS, requestTimeout: 0, retryPolicy: ZK.retry.no(), maxReconnectAttepts: Number.MAX_SAFE_INTEGER });
    this.sessions.add(s);
    // A session the ensemble expired (the member was cut off too long) is replaced at the next op.
    s.on('expired', () => this.drop(s));
    this.starting = new Promise<Session>((resolve, reject) => {
      s.start((err) => {
        this.starting = undefined;
        if (err) {
          this.drop(s);
          reject(new ZkError(err, 'connect'));
          return;
        }
        this.session = s;
        resolve(s);
      });
    });
    // Kept while pending: the next op waits for the same connection attempt.
    return this.starting;
  }

  /** Forgets a session and closes its socket (no goodbye: the member may be paused). */
  private drop(s: Session): void {
    if (this.session === s) this.session = undefined;
    this.starting = undefined;
    this.sessions.delete(s);
    // Marked closed first: zkjs then never reconnects (not even from a pending retry timer).
    s.closed = true;
    clearTimeout(s.ensemble.reconnectTimer ?? undefined);
    s.ensemble.client?.destroy();
    s.removeAllListeners();
    s.on('error', () => undefined);
  }

  /** Creates the znodes (holding `null`, the register's initial value) once, on one member. */
  async setup(test: TestRuntime): Promise<void> {
    await this.ensembleReady(test.cluster);
    const s = await this.connect();
    for (const path of [ROOT, ...this.keys.map(znode)]) {
      await call<[string]>(`create ${path}`, (cb) => s.create(path, JSON.stringify(null), ZK.create.NONE, cb)).catch((e: unknown) => {
        if (!(e instanceof ZkError && e.errno === ZK.errors.NODEEXISTS)) throw e;
      });
    }
  }

  async invoke(_test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    const [key, arg] = op.value as [string, unknown];
    const path = znode(key);
    let sent = false;
    try {
      const s = await raceAbort(this.connect(), signal);
      sent = true;
      switch (op.f) {
        case 'read': {
          if (this.reads === 'sync') await raceAbort(call<[string]>(`sync ${path}`, (cb) => s.sync(path, cb)), signal);
          const [data] = await raceAbort(call<[Buffer, { version: number }]>(`get ${path}`, (cb) => s.get(path, cb)), signal);
          return { type: 'ok', value: [key, JSON.parse(data.toString('utf8')) as unknown] };
        }
        case 'write':
          await raceAbort(call(`set ${path}`, (cb) => s.set(path, JSON.stringify(arg), -1, cb)), signal);
          return { type: 'ok', value: op.value };
        case 'cas': {
          const [from, to] = arg as [unknown, unknown];
          const [data, stat] = await raceAbort(call<[Buffer, { version: number }]>(`get ${path}`, (cb) => s.get(path, cb)), signal);
          if (data.toString('utf8') !== JSON.stringify(from)) return failure('refused', op.value, 'cas mismatch');
          await raceAbort(call(`set ${path}`, (cb) => s.set(path, JSON.stringify(to), stat.version, cb)), signal);
          return { type: 'ok', value: op.value };
        }
        default:
          return unknownOp(op);
      }
    } catch (e) {
      const error = (e as Error).message;
      // The server answered with an error: the request was refused, nothing changed.
      if (e instanceof ZkError && (e.errno === ZK.errors.BADVERSION || e.errno === ZK.errors.NONODE)) return failure('refused', op.value, error);
      // Lost connection, timeout: the write may still be applied. A timed-out session is
      // dropped, so a request zkjs still holds is never sent after this op ended.
      if (signal.aborted) this.dropCurrent();
      return failure(e instanceof NotSent || !sent ? 'not-sent' : 'no-answer', op.value, error, op.f === 'read');
    }
  }

  private dropCurrent(): void {
    if (this.session) this.drop(this.session);
  }

  async teardown(): Promise<void> {}

  /** Ends every session, also one still connecting: no reconnect outlives the run. */
  async close(): Promise<void> {
    for (const s of [...this.sessions]) this.drop(s);
  }
}
