/** Fills {node} {ip} {port} {dataDir} {variant} {nodes} {peers} in a command or environment. */
import { UsageError } from '../core/errors.js';
import type { LaunchContext } from './workload-config.js';

const KEYS: Record<string, (c: LaunchContext) => string> = {
  node: (c) => c.node,
  ip: (c) => c.ip,
  port: (c) => String(c.port),
  dataDir: (c) => c.dataDir,
  variant: (c) => c.variant,
  nodes: (c) => c.nodesList,
  peers: (c) => c.peersList,
};

export function expand(template: string, ctx: LaunchContext): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const f = KEYS[key];
    if (!f) throw new UsageError(`unknown placeholder ${whole} in "${template}"; known: ${Object.keys(KEYS).map((k) => `{${k}}`).join(' ')}`);
    return f(ctx);
  });
}
