/**
 * The careful coordinator. A transfer is prepared on both participants it touches; only
 * if both vote yes is the commit decision written to the coordinator's log and fsynced,
 * and only then is anyone told to commit. The client hears "ok" once the decision is
 * durable: phase 2 may still be running, but nothing can undo it — a background loop
 * re-sends the decision (also after a restart, from the log) until every participant has
 * acknowledged it.
 *
 * Presumed abort: with no commit record there is no commit, so aborts are not logged, a
 * participant asking about a transaction the coordinator has no record of (and is not
 * preparing right now) is told "abort", and a failed phase 1 is a definite failure for the
 * client: the coordinator alone decides, and it decided abort.
 *
 * Reads are read-only distributed transactions done as a double collect: every
 * participant's balances, version and number of prepared transactions, twice. If no version
 * moved and nothing was prepared anywhere, each participant's committed state was constant
 * across an instant at which no transfer was half-committed, so the balances form a
 * snapshot; otherwise retry, and after a few tries fail honestly.
 */
import type { TwopcArgs } from './args.js';
import { bankLayout, isTransfer, splitTransfer, type Transfer } from '../../domain/bank.js';
import { DurableLog, StoppingLog } from '../durable-log.js';
import { Peers, anyBody, okBody, sleepMs } from './peers.js';
import { BadRequest, definiteError, indefiniteError, ok, stringField, type JsonResult, type Logger, type Service } from './service.js';

type Rec = { t: 'commit'; tx: string; parts: string[] } | { t: 'done'; tx: string };

function parseRec(x: unknown): Rec | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const r = x as Record<string, unknown>;
  if (typeof r['tx'] !== 'string') return undefined;
  if (r['t'] === 'commit' && Array.isArray(r['parts']) && r['parts'].every((p) => typeof p === 'string')) {
    return { t: 'commit', tx: r['tx'], parts: r['parts'] as string[] };
  }
  if (r['t'] === 'done') return { t: 'done', tx: r['tx'] };
  return undefined;
}

const PREPARE_TIMEOUT_MS = 1000;
const COMMIT_TIMEOUT_MS = 1000;
const READ_TIMEOUT_MS = 1000;
const READ_TRIES = 8;

export function createCarefulCoordinator(args: TwopcArgs, log: Logger, fatal: (m: string) => void): Service {
  const layout = bankLayout(args.nodes.map((n) => n.id), args.accountsPerParticipant, args.initialBalance);
  const peers = new Peers(args.nodes);
  const committed = new Set<string>();
  /** Commit decisions not yet acknowledged by every participant: tx → participants left. */
  const unacked = new Map<string, Set<string>>();
  /** Transactions in phase 1 right now: asked about, they are "pending", not aborted. */
  const preparing = new Set<string>();
  /** Every id seen since start, so a repeated id cannot be prepared twice. */
  const seen = new Set<string>();

  const { log: wal, records, truncatedBytes } = DurableLog.open<Rec>(args.dataDir, 'coordinator.log', parseRec);
  for (const r of records) {
    if (r.t === 'commit') {
      committed.add(r.tx);
      unacked.set(r.tx, new Set(r.parts));
    } else unacked.delete(r.tx);
  }
  log(`coordinator (careful): replayed ${records.length} records, ${committed.size} commits, ${unacked.size} to re-drive` + (truncatedBytes ? `, cut a torn line of ${truncatedBytes} bytes` : ''));

  const storage = new StoppingLog(wal, fatal);
  const persist = (r: Rec): boolean => storage.append(r);

  /** Sends commit to the participants that have not acknowledged `tx` yet. */
  async function driveCommit(tx: string): Promise<void> {
    const left = unacked.get(tx);
    if (left === undefined) return;
    await Promise.all(
      [...left].map(async (p) => {
        const o = await peers.call(p, '/commit', { tx }, COMMIT_TIMEOUT_MS);
        if (okBody(o) !== undefined) left.delete(p);
        else if (anyBody(o)?.['error'] === 'not-prepared') {
          // Only possible if a participant lost a prepared record: nothing we resend can fix it.
          log(`BUG: ${p} says ${tx} is not prepared; giving up on it`);
          left.delete(p);
        }
      }),
    );
    if (left.size === 0 && unacked.delete(tx)) persist({ t: 'done', tx });
  }

  let driving = false;
  const timer = setInterval(() => {
    if (driving || unacked.size === 0) return;
    driving = true;
    void Promise.all([...unacked.keys()].map(driveCommit)).finally(() => (driving = false));
  }, 300);

  async function transfer(t: Transfer): Promise<JsonResult> {
    const parts = splitTransfer(t);
    for (const p of parts.keys()) if (!layout.participants.includes(p)) throw new BadRequest(`no participant owns ${p}`);
    if (seen.has(t.id) || committed.has(t.id)) return definiteError(409, 'duplicate transaction id');
    seen.add(t.id);
    preparing.add(t.id);
    let votes: Array<{ p: string; yes: boolean; why: string }>;
    try {
      votes = await Promise.all(
        [...parts].map(async ([p, deltas]) => {
          const o = await peers.call(p, '/prepare', { tx: t.id, deltas }, PREPARE_TIMEOUT_MS);
          if (okBody(o)?.['vote'] === 'yes') return { p, yes: true, why: '' };
          const why = o.kind === 'answer' ? String(anyBody(o)?.['error'] ?? `HTTP ${o.response.status}`) : `${o.code}: ${o.message}`;
          return { p, yes: false, why: `${p}: ${why}` };
        }),
      );
    } finally {
      preparing.delete(t.id);
    }
    if (votes.every((v) => v.yes)) {
      if (!persist({ t: 'commit', tx: t.id, parts: [...parts.keys()] })) return indefiniteError(500, 'storage-failure');
      committed.add(t.id);
      unacked.set(t.id, new Set(parts.keys()));
      await driveCommit(t.id); // best effort now; the loop finishes it otherwise
      return ok();
    }
    // Abort: tell everyone once; whoever misses it asks later and hears "abort".
    await Promise.all([...parts.keys()].map((p) => peers.call(p, '/abort', { tx: t.id }, COMMIT_TIMEOUT_MS)));
    return definiteError(409, `aborted: ${votes.filter((v) => !v.yes).map((v) => v.why).join('; ')}`);
  }

  async function read(): Promise<JsonResult> {
    const collect = () =>
      Promise.all(layout.participants.map(async (p) => okBody(await peers.call(p, '/snapshot', {}, READ_TIMEOUT_MS))));
    let why = '';
    for (let i = 0; i < READ_TRIES; i++) {
      if (i > 0) await sleepMs(10 * i);
      const a = await collect();
      const b = await collect();
      if (a.some((x) => x === undefined) || b.some((x) => x === undefined)) {
        why = 'a participant did not answer';
        break;
      }
      const stable = a.every((x, j) => x!['version'] === b[j]!['version'] && x!['prepared'] === 0 && b[j]!['prepared'] === 0);
      if (!stable) {
        why = 'transfers kept changing state';
        continue;
      }
      const balances: Record<string, number> = {};
      for (const x of b) Object.assign(balances, x!['balances'] as Record<string, number>);
      return ok({ balances });
    }
    return definiteError(503, `no consistent snapshot: ${why}`);
  }

  return {
    async handle(path, body) {
      switch (path) {
        case '/transfer': {
          if (!isTransfer(body)) throw new BadRequest('want {id, from, to, amount}');
          if (storage.broken) return definiteError(503, 'storage-failed');
          return transfer(body);
        }
        case '/read':
          return read();
        case '/decision': {
          const tx = stringField(body, 'tx');
          const decision = committed.has(tx) ? 'commit' : preparing.has(tx) ? 'pending' : 'abort';
          return ok({ decision });
        }
        default:
          return undefined;
      }
    },
    health: () => ({ id: args.id, role: 'coordinator', variant: 'careful' }),
    close() {
      clearInterval(timer);
      peers.close();
      wal.close();
    },
  };
}
