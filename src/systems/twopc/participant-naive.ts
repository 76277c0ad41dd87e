/**
 * The naive participant, as tutorials write it: prepared transactions live in a map in
 * memory, "prepare" checks the balance but locks nothing, a prepared transaction the
 * coordinator does not decide within a couple of seconds is released (aborted) so it
 * "cannot block forever", and balances are snapshotted to disk about once a second without
 * fsync.
 *
 * What goes wrong: two transfers out of one account both pass the balance check and both
 * commit (negative balance); a commit lost in a partition is silently undone by the
 * timeout while the other side committed (money created or destroyed); a kill -9 loses the
 * commits since the last snapshot on this side only.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TwopcArgs } from './args.js';
import { bankLayout, isDeltas, type Delta } from '../../domain/bank.js';
import { BadRequest, definiteError, field, ok, stringField, type Logger, type Service } from './service.js';

const RELEASE_AFTER_MS = 2000;
const SNAPSHOT_EVERY_MS = 1000;

interface Snapshot {
  balances: Record<string, number>;
  applied: string[];
}

export function createNaiveParticipant(args: TwopcArgs, log: Logger): Service {
  const layout = bankLayout(args.nodes.map((n) => n.id), args.accountsPerParticipant, args.initialBalance);
  const file = path.join(args.dataDir, 'naive-participant.json');
  let state: Snapshot = {
    balances: Object.fromEntries(layout.accounts.filter((a) => a.startsWith(`${args.id}.`)).map((a) => [a, layout.initialBalance])),
    applied: [],
  };
  try {
    state = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
    log(`participant (naive): loaded snapshot with ${state.applied.length} committed`);
  } catch {
    log('participant (naive): no snapshot, starting fresh');
  }
  const prepared = new Map<string, { deltas: Delta[]; since: number }>();
  let dirty = false;

  const timer = setInterval(() => {
    const t = Date.now();
    for (const [tx, p] of prepared) {
      if (t - p.since > RELEASE_AFTER_MS) {
        log(`releasing ${tx}: no decision after ${RELEASE_AFTER_MS} ms`);
        prepared.delete(tx);
      }
    }
    if (dirty) {
      dirty = false;
      fs.writeFileSync(file, JSON.stringify(state));
    }
  }, SNAPSHOT_EVERY_MS);

  return {
    async handle(p, body) {
      switch (p) {
        case '/prepare': {
          const tx = stringField(body, 'tx');
          const deltas = field(body, 'deltas');
          if (!isDeltas(deltas)) throw new BadRequest('"deltas" must be [{account, delta}]');
          for (const d of deltas) {
            const bal = state.balances[d.account];
            if (bal === undefined) return definiteError(409, `vote-no: no account ${d.account} here`);
            if (bal + d.delta < 0) return definiteError(409, `vote-no: insufficient funds in ${d.account}`);
          }
          prepared.set(tx, { deltas, since: Date.now() });
          return ok({ vote: 'yes' });
        }
        case '/commit': {
          const tx = stringField(body, 'tx');
          const pr = prepared.get(tx);
          if (pr !== undefined) {
            prepared.delete(tx);
            for (const d of pr.deltas) state.balances[d.account] = (state.balances[d.account] ?? 0) + d.delta;
            state.applied.push(tx);
            dirty = true;
          }
          return ok();
        }
        case '/abort':
          prepared.delete(stringField(body, 'tx'));
          return ok();
        case '/snapshot':
          return ok({ version: 0, prepared: 0, balances: state.balances });
        case '/state':
          return ok({ node: args.id, balances: state.balances, applied: state.applied, prepared: [...prepared.keys()], inDoubt: { open: prepared.size } });
        default:
          return undefined;
      }
    },
    health: () => ({ id: args.id, role: 'participant', variant: 'naive' }),
    close: () => clearInterval(timer),
  };
}
