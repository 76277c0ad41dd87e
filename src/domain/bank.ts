/**
 * The bank the 2PC system keeps, as plain data shared by the servers, the workload's
 * generator and the checker, so all three agree on who owns which account. It lives in
 * domain/, below the checkers, so the bank checker needs nothing of the system it judges.
 *
 * The first node is the coordinator; every other node is a participant owning
 * `accountsPerParticipant` accounts named `<node>.<letter>` (n2.a, n2.b, n3.a, …), each
 * starting at `initialBalance`. Naming accounts by owner makes every history line readable
 * on its own.
 */

export interface BankLayout {
  coordinator: string;
  participants: string[];
  accounts: string[];
  initialBalance: number;
}

const DEFAULT_ACCOUNTS_PER_PARTICIPANT = 2;
const DEFAULT_INITIAL_BALANCE = 20;

export function bankLayout(
  nodes: readonly string[],
  accountsPerParticipant = DEFAULT_ACCOUNTS_PER_PARTICIPANT,
  initialBalance = DEFAULT_INITIAL_BALANCE,
): BankLayout {
  const [coordinator, ...participants] = nodes;
  if (coordinator === undefined || participants.length < 2) {
    throw new RangeError(`2PC needs a coordinator and at least 2 participants (3+ nodes), got ${nodes.length}`);
  }
  if (accountsPerParticipant < 1 || accountsPerParticipant > 26) throw new RangeError('accounts per participant must be 1..26');
  const accounts = participants.flatMap((p) => Array.from({ length: accountsPerParticipant }, (_, i) => `${p}.${String.fromCharCode(97 + i)}`));
  return { coordinator, participants, accounts, initialBalance };
}

/** The participant owning an account (the part before the dot). */
export function ownerOf(account: string): string {
  const dot = account.indexOf('.');
  return dot < 0 ? '' : account.slice(0, dot);
}

export function totalOf(layout: BankLayout): number {
  return layout.accounts.length * layout.initialBalance;
}

/** A transfer as the client asks for it; `id` is unique per transfer and names it everywhere. */
export interface Transfer {
  id: string;
  from: string;
  to: string;
  amount: number;
}

/** What one participant applies for a transfer: its own accounts' changes. */
export interface Delta {
  account: string;
  delta: number;
}

/** The per-participant pieces of a transfer, by participant. */
export function splitTransfer(t: Transfer): Map<string, Delta[]> {
  const out = new Map<string, Delta[]>();
  const add = (account: string, delta: number) => {
    const p = ownerOf(account);
    out.set(p, [...(out.get(p) ?? []), { account, delta }]);
  };
  add(t.from, -t.amount);
  add(t.to, t.amount);
  return out;
}

export function isTransfer(x: unknown): x is Transfer {
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Record<string, unknown>;
  return (
    typeof t['id'] === 'string' &&
    t['id'] !== '' &&
    typeof t['from'] === 'string' &&
    typeof t['to'] === 'string' &&
    typeof t['amount'] === 'number' &&
    Number.isSafeInteger(t['amount']) &&
    (t['amount'] as number) > 0
  );
}

export function isDeltas(x: unknown): x is Delta[] {
  return (
    Array.isArray(x) &&
    x.every((d) => typeof d === 'object' && d !== null && typeof (d as Delta).account === 'string' && Number.isSafeInteger((d as Delta).delta))
  );
}
