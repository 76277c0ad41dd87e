/**
 * iptables inside a node's network namespace, for the packages that filter or redirect
 * node-to-node traffic (partition, loss, latency). Each package owns a chain of its own,
 * so healing one kind never touches another's rules (or anyone else's).
 */
import type { TestRuntime } from '../cluster/test-runtime.js';
import type { HostTool } from './package.js';

export const IPTABLES: HostTool = { name: 'iptables', apt: 'iptables' };

export async function ipt(test: TestRuntime, node: string, args: string[]): Promise<void> {
  // -w: wait for the xtables lock instead of failing when two calls race.
  const r = await test.cluster.netExec(node, ['iptables', '-w', ...args]);
  if (r.exitCode !== 0) throw new Error(`iptables ${args.join(' ')} on ${node}: ${r.stderr.trim()}`);
}

/**
 * Creates `chain` in the node's `table` and jumps to it from `hook` (filter/INPUT by
 * default); idempotent, since a restarted container's namespace comes without it.
 */
export async function ensureChain(test: TestRuntime, node: string, chain: string, table = 'filter', hook = 'INPUT'): Promise<void> {
  await test.cluster.netExec(node, ['iptables', '-w', '-t', table, '-N', chain]);
  const has = await test.cluster.netExec(node, ['iptables', '-w', '-t', table, '-C', hook, '-j', chain]);
  if (has.exitCode !== 0) await ipt(test, node, ['-t', table, '-I', hook, '1', '-j', chain]);
}
