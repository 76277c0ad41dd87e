/**
 * A grudge says, for each node, which nodes' traffic it drops (Jepsen's term). Partition
 * shapes are pure functions from the node list (and a random draw) to a grudge, so the
 * generator can choose them reproducibly and the history records exactly what was cut.
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

/** A short human description: "n1,n2 | n3,n4,n5". */
export function describeComponents(components: readonly (readonly string[])[]): string {
  return components.map((c) => c.join(',')).join(' | ');
}
