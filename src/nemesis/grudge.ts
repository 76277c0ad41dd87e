/**
 * A grudge says, for each node, which nodes' traffic it drops (Jepsen's term). Partition
 * shapes are pure functions from the node list (and a random draw) to a grudge, so the
 * generator can choose them reproducibly and the history records exactly what was cut.
 * A node absent from a grudge drops nothing.
 */
export type Grudge = Record<string, string[]>;

/** Every node in one component drops traffic from every node in the others. */
export function completeGrudge(components: readonly (readonly string[])[]): Grudge {
  const g: Grudge = {};
  for (const comp of components) {
    const others = components.filter((c) => c !== comp).flat();
    for (const n of comp) g[n] = [...others];
  }
  return g;
}

/** Splits a (shuffled) node list into a minority and a majority half. */
export function halves(shuffled: readonly string[]): [string[], string[]] {
  const k = Math.floor(shuffled.length / 2);
  return [shuffled.slice(0, k), shuffled.slice(k)];
}

/** One node cut off from all the others. */
export function isolate(node: string, nodes: readonly string[]): Grudge {
  return completeGrudge([[node], nodes.filter((n) => n !== node)]);
}

/** The smallest number of nodes that is a majority of `n`. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * Majorities ring: arrange the (shuffled) nodes in a ring; each node sees the window of
 * `majority(n)` consecutive nodes centred on itself and drops everyone else. Every node
 * sees a majority, and no two nodes see the same one — the shape that breaks protocols
 * assuming "a majority I can reach is *the* majority". For even n the windows are not
 * centred exactly, so some cuts are one-way, as in Jepsen.
 */
export function majoritiesRing(ring: readonly string[]): Grudge {
  const n = ring.length;
  const m = majority(n);
  const g: Grudge = {};
  ring.forEach((node, i) => {
    const seen = new Set<string>();
    for (let k = 0; k < m; k++) seen.add(ring[(i - Math.floor(m / 2) + k + n) % n]!);
    g[node] = ring.filter((x) => !seen.has(x));
  });
  return g;
}

/**
 * Bridge: two halves that cannot talk to each other, and one node in the middle that talks
 * to both (and so can relay, or be elected twice). Uses the (shuffled) order: the first
 * half, the bridge node, the second half.
 */
export function bridge(shuffled: readonly string[]): Grudge {
  const mid = Math.floor(shuffled.length / 2);
  const a = shuffled.slice(0, mid);
  const b = shuffled.slice(mid + 1);
  const g: Grudge = {};
  for (const x of a) g[x] = [...b];
  for (const x of b) g[x] = [...a];
  return g;
}

/**
 * One-way: nodes in `deaf` drop packets from nodes in `from`; the reverse direction still
 * flows. (TCP needs both directions, but UDP, gossip and half-open connections notice.)
 */
export function oneWay(deaf: readonly string[], from: readonly string[]): Grudge {
  const g: Grudge = {};
  for (const x of deaf) g[x] = [...from];
  return g;
}

/** Nodes `node` can still hear (itself included). */
export function visible(g: Grudge, node: string, nodes: readonly string[]): string[] {
  const dropped = new Set(g[node] ?? []);
  return nodes.filter((n) => !dropped.has(n));
}

/**
 * A grudge in words — the one way partitions are described (progress line, report):
 * a complete cut as its sides, "n1,n2 | n3,n4,n5"; any other grudge as who drops whom,
 * nodes with the same drops grouped, "n2,n4,n5 x n1,n3". Undefined when `g` is not a
 * grudge (node -> list of nodes).
 */
export function describeGrudge(g: Readonly<Record<string, unknown>>): string | undefined {
  const groups = new Map<string, string[]>();
  for (const [node, drops] of Object.entries(g)) {
    if (!Array.isArray(drops) || !drops.every((d) => typeof d === 'string')) return undefined;
    const key = [...(drops as string[])].sort().join(',');
    groups.set(key, [...(groups.get(key) ?? []), node]);
  }
  const dropping = [...groups].filter(([key]) => key !== '');
  if (dropping.length === 0) return '';
  // Complete: every group drops exactly everyone outside it, and nobody is left out.
  const all = new Set([...groups.values()].flat());
  const complete = dropping.length > 1 && groups.size === dropping.length && dropping.every(([key, members]) => {
    const outside = [...all].filter((n) => !members.includes(n)).sort().join(',');
    return key === outside;
  });
  const sortNodes = (xs: readonly string[]) => [...xs].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (complete) {
    const sides = dropping.map(([, members]) => sortNodes(members));
    sides.sort((a, b) => a.length - b.length || a[0]!.localeCompare(b[0]!, 'en', { numeric: true }));
    return sides.map((s) => s.join(',')).join(' | ');
  }
  return dropping
    .map(([key, members]) => [sortNodes(members), sortNodes(key.split(','))] as const)
    .sort((a, b) => a[0][0]!.localeCompare(b[0][0]!, 'en', { numeric: true }))
    .map(([members, drops]) => `${members.join(',')} x ${drops.join(',')}`)
    .join('; ');
}
