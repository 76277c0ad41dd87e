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

/** A short human description: "n1,n2 | n3,n4,n5". */
export function describeComponents(components: readonly (readonly string[])[]): string {
  return components.map((c) => c.join(',')).join(' | ');
}
