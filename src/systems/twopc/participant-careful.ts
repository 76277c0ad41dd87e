/**
 * The careful participant: votes only after its prepared record is fsynced, holds locks
 * on the accounts of a prepared transaction until the decision is known, and never decides
 * on its own. A transaction it prepared and heard nothing more about (coordinator crashed,
 * commit lost in a partition) stays in doubt, locks held, and the participant keeps asking
 * the coordinator for the decision (presumed abort: a coordinator with no commit record
 * answers abort).
 *
 * Log records (one line each, fsynced before any answer): prepare {tx, deltas}, commit
 * {tx}, abort {tx}. Balances, locks and in-doubt transactions are rebuilt from the log on
 * start, so a kill -9 forgets nothing that was acknowledged.
 */
import type { TwopcArgs } from './args.js';
import { bankLayout, isDeltas, type Delta } from '../../domain/bank.js';
import { DurableLog, StoppingLog } from '../durable-log.js';
import { Peers, okBody } from './peers.js';
import { definiteError, ok, stringField, field, BadRequest, type JsonResult, type Logger, type Service } from './service.js';

type Rec = { t: 'prepare'; tx: string; deltas: Delta[] } | { t: 'commit'; tx: string } | { t: 'abort'; tx: string };

function parseRec(x: unknown): Rec | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const r = x as Record<string, unknown>;
  if (typeof r['tx'] !== 'string') return undefined;
  if (r['t'] === 'prepare' && isDeltas(r['deltas'])) return { t: 'prepare', tx: r['tx'], deltas: r['deltas'] };
  if (r['t'] === 'commit' || r['t'] === 'abort') return { t: r['t'], tx: r['tx'] };
  return undefined;
}

interface InDoubt {
  deltas: Delta[];
  /** When it was prepared (or replayed): in-doubt time is measured from here. */
  since: number;
  lastAsked: number;
}

/** Ask the coordinator about a transaction prepared this long ago with no decision. */
const ASK_AFTER_MS = 1000;
const ASK_EVERY_MS = 500;

export function createCarefulParticipant(args: TwopcArgs, log: Logger, fatal: (m: string) => void): Service {
  const layout = bankLayout(args.nodes.map((n) => n.id), args.accountsPerParticipant, args.initialBalance);
  const balances = new Map(layout.accounts.filter((a) => a.startsWith(`${args.id}.`)).map((a) => [a, layout.initialBalance]));
  const applied: string[] = [];
  const appliedSet = new Set<string>();
  const aborted = new Set<string>();
  const prepared = new Map<string, InDoubt>();
  const locks = new Map<string, string>();
  /** Bumped on every state change; a read that sees the same version twice saw no change in between. */
  let version = 0;
  /** Versions restart with the process; the epoch keeps a restart from looking like "no change". */
  const epoch = Math.random().toString(36).slice(2, 10);
  const inDoubtStats = { resolved: 0, totalMs: 0, maxMs: 0 };

  const { log: wal, records, truncatedBytes } = DurableLog.open<Rec>(args.dataDir, 'participant.log', parseRec);
  const now = Date.now();
  for (const r of records) {
    if (r.t === 'prepare') {
      prepared.set(r.tx, { deltas: r.deltas, since: now, lastAsked: 0 });
      for (const d of r.deltas) locks.set(d.account, r.tx);
    } else if (r.t === 'commit') applyCommit(r.tx);
    else release(r.tx, true);
  }
  log(`participant (careful): replayed ${records.length} records, ${applied.length} committed, ${prepared.size} in doubt` + (truncatedBytes ? `, cut a torn line of ${truncatedBytes} bytes` : ''));

  function applyCommit(tx: string): void {
    const p = prepared.get(tx);
    if (p === undefined) return;
    for (const d of p.deltas) balances.set(d.account, (balances.get(d.account) ?? 0) + d.delta);
    applied.push(tx);
    appliedSet.add(tx);
    release(tx, false);
  }

  function release(tx: string, abort: boolean): void {
    const p = prepared.get(tx);
    if (abort) aborted.add(tx);
    if (p === undefined) return;
    for (const d of p.deltas) if (locks.get(d.account) === tx) locks.delete(d.account);
    prepared.delete(tx);
    const ms = Date.now() - p.since;
    inDoubtStats.resolved++;
    inDoubtStats.totalMs += ms;
    inDoubtStats.maxMs = Math.max(inDoubtStats.maxMs, ms);
    version++;
  }

  /** Durably record, or stop: after a failed fsync we can vouch for nothing. */
  const storage = new StoppingLog(wal, fatal);
  const persist = (r: Rec): boolean => storage.append(r);
  const storageFailed = (): JsonResult => definiteError(503, 'storage-failed');

  const prepare = (tx: string, deltas: Delta[]): JsonResult => {
    if (appliedSet.has(tx) || prepared.has(tx)) return ok({ vote: 'yes' });
    if (aborted.has(tx)) return definiteError(409, 'vote-no: already aborted');
    for (const d of deltas) {
      const bal = balances.get(d.account);
      if (bal === undefined) return definiteError(409, `vote-no: no account ${d.account} here`);
      const holder = locks.get(d.account);
      if (holder !== undefined) return definiteError(409, `vote-no: ${d.account} locked by ${holder}`);
      if (bal + d.delta < 0) return definiteError(409, `vote-no: insufficient funds in ${d.account}`);
    }
    if (!persist({ t: 'prepare', tx, deltas })) return storageFailed();
    const t = Date.now();
    prepared.set(tx, { deltas, since: t, lastAsked: t });
    for (const d of deltas) locks.set(d.account, tx);
    version++;
    return ok({ vote: 'yes' });
  };

  const commit = (tx: string): JsonResult => {
    if (appliedSet.has(tx)) return ok();
    if (!prepared.has(tx)) return definiteError(409, 'not-prepared');
    if (!persist({ t: 'commit', tx })) return storageFailed();
    applyCommit(tx);
    return ok();
  };

  const abort = (tx: string): JsonResult => {
    if (appliedSet.has(tx)) return definiteError(409, 'already-committed');
    if (aborted.has(tx)) return ok();
    // Logged even when we never saw the prepare, so a prepare arriving late is refused.
    if (!persist({ t: 'abort', tx })) return storageFailed();
    release(tx, true);
    return ok();
  };

  // Resolving in-doubt transactions: ask the coordinator until it knows.
  const peers = new Peers(args.nodes);
  const coordinator = layout.coordinator;
  let asking = false;
  const timer = setInterval(() => {
    if (asking || storage.broken) return;
    asking = true;
    void resolveInDoubt().finally(() => (asking = false));
  }, 200);
  async function resolveInDoubt(): Promise<void> {
    const t = Date.now();
    const due = [...prepared].filter(([, p]) => t - p.since >= ASK_AFTER_MS && t - p.lastAsked >= ASK_EVERY_MS);
    await Promise.all(
      due.map(async ([tx, p]) => {
        p.lastAsked = Date.now();
        const b = okBody(await peers.call(coordinator, '/decision', { tx }, 1000));
        const d = b?.['decision'];
        if (!prepared.has(tx)) return; // decided meanwhile by a commit/abort message
        if (d === 'commit') {
          log(`in-doubt ${tx}: coordinator says commit`);
          commit(tx);
        } else if (d === 'abort') {
          log(`in-doubt ${tx}: coordinator says abort`);
          abort(tx);
        }
      }),
    );
  }

  return {
    async handle(path, body) {
      switch (path) {
        case '/prepare': {
          const deltas = field(body, 'deltas');
          if (!isDeltas(deltas)) throw new BadRequest('"deltas" must be [{account, delta}]');
          return prepare(stringField(body, 'tx'), deltas);
        }
        case '/commit':
          return commit(stringField(body, 'tx'));
        case '/abort':
          return abort(stringField(body, 'tx'));
        case '/snapshot':
          return ok({ version: `${epoch}:${version}`, prepared: prepared.size, balances: Object.fromEntries(balances) });
        case '/state':
          return ok({
            node: args.id,
            balances: Object.fromEntries(balances),
            applied,
            prepared: [...prepared.keys()],
            inDoubt: { ...inDoubtStats, open: prepared.size },
          });
        default:
          return undefined;
      }
    },
    health: () => ({ id: args.id, role: 'participant', variant: 'careful' }),
    close() {
      clearInterval(timer);
      peers.close();
      wal.close();
    },
  };
}
