/**
 * How the atomicity checkers (bank, saga) report what they found: every violation has a
 * kind (the invariant broken) and a message naming the transactions or sagas involved.
 * The report keeps counts per kind and the first few messages of each kind, so a run with
 * thousands of violations still gives a readable results.json.
 *
 * `partitions` repeats one line per broken invariant in the shape the terminal summary
 * already prints for linearizability (`key <kind>: <message>`), so the verdict on screen
 * names the invariant and the ids without the summary knowing about these checkers.
 */

export interface Violation {
  /** The invariant broken, e.g. "partial-transfer". */
  kind: string;
  message: string;
  /** Transfer or saga ids involved. */
  ids?: string[];
  /** History index of the op that shows it, when there is one. */
  index?: number;
}

const PER_KIND = 10;

export function violationReport(vs: readonly Violation[]): Record<string, unknown> {
  const byKind = new Map<string, Violation[]>();
  for (const v of vs) byKind.set(v.kind, [...(byKind.get(v.kind) ?? []), v]);
  return {
    violations: Object.fromEntries([...byKind].map(([k, list]) => [k, list.length])),
    errors: Object.fromEntries([...byKind].map(([k, list]) => [k, list.slice(0, PER_KIND)])),
    partitions: [...byKind].map(([k, list]) => ({
      key: k,
      valid: false,
      explanation: { message: `${list[0]!.message}${list.length > 1 ? ` (+${list.length - 1} more)` : ''}` },
    })),
  };
}
