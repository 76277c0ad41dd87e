/**
 * The naive coordinator, as tutorials write it: prepare everyone; if all say yes, send
 * commit to each participant in turn; if anything goes wrong at any point — a no vote, a
 * timeout, an error while committing — send rollback to everyone and report failure. It
 * keeps no log, so after a crash it knows nothing, and it never answers participants'
 * questions. Reads simply ask every participant for its balances.
 *
 * What goes wrong: a commit that reached one participant and not the other is "rolled
 * back" (a no-op where it already committed) and reported as failed though half of it
 * happened; a crash between the two commits leaves the second participant to time out and
 * release; and a read taken while commits are in flight sees half a transfer.
 */
import type { TwopcArgs } from './args.js';
import { bankLayout, isTransfer, splitTransfer, type Transfer } from '../../domain/bank.js';
import { Peers, anyBody, okBody } from './peers.js';
import { BadRequest, definiteError, ok, type JsonResult, type Logger, type Service } from './service.js';

const TIMEOUT_MS = 1000;

export function createNaiveCoordinator(args: TwopcArgs, log: Logger): Service {
  const layout = bankLayout(args.nodes.map((n) => n.id), args.accountsPerParticipant, args.initialBalance);
  const peers = new Peers(args.nodes);
  log('coordinator (naive): decisions in memory only');

  const rollback = (t: Transfer, parts: string[]) => Promise.all(parts.map((p) => peers.call(p, '/abort', { tx: t.id }, TIMEOUT_MS)));

  async function transfer(t: Transfer): Promise<JsonResult> {
    const split = splitTransfer(t);
    const parts = [...split.keys()];
    for (const p of parts) if (!layout.participants.includes(p)) throw new BadRequest(`no participant owns ${p}`);
    const votes = await Promise.all([...split].map(async ([p, deltas]) => ({ p, o: await peers.call(p, '/prepare', { tx: t.id, deltas }, TIMEOUT_MS) })));
    const no = votes.find((v) => okBody(v.o)?.['vote'] !== 'yes');
    if (no !== undefined) {
      await rollback(t, parts);
      return definiteError(409, `rolled back: ${no.p}: ${String(anyBody(no.o)?.['error'] ?? (no.o.kind === 'failed' ? no.o.message : 'no vote'))}`);
    }
    for (const p of parts) {
      const o = await peers.call(p, '/commit', { tx: t.id }, TIMEOUT_MS);
      if (okBody(o) === undefined) {
        await rollback(t, parts);
        return definiteError(409, `rolled back: commit on ${p} failed`);
      }
    }
    return ok();
  }

  async function read(): Promise<JsonResult> {
    const answers = await Promise.all(layout.participants.map(async (p) => okBody(await peers.call(p, '/snapshot', {}, TIMEOUT_MS))));
    if (answers.some((a) => a === undefined)) return definiteError(503, 'a participant did not answer');
    const balances: Record<string, number> = {};
    for (const a of answers) Object.assign(balances, a!['balances'] as Record<string, number>);
    return ok({ balances });
  }

  return {
    async handle(path, body) {
      if (path === '/transfer') {
        if (!isTransfer(body)) throw new BadRequest('want {id, from, to, amount}');
        return transfer(body);
      }
      if (path === '/read') return read();
      return undefined;
    },
    health: () => ({ id: args.id, role: 'coordinator', variant: 'naive' }),
    close: () => peers.close(),
  };
}
