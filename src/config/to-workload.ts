/**
 * Turns a user's workload file into the same `Workload` the built-in ones are, so a user's
 * service runs through exactly the code path the built-in systems prove.
 */
import { linearizable, multiRegister } from '../checkers/linearizability/index.js';
import type { Checker } from '../checkers/checker.js';
import type { SystemSpec } from '../cluster/cluster.js';
import { eachThread, gen } from '../core/generator/index.js';
import type { TestOptions } from '../core/test.js';
import type { Workload } from '../core/workload.js';
import { basicNemesis } from '../nemesis/basic.js';
import { FAULT_KINDS, faultCycle, healAll, isFaultKind, type FaultKind } from '../nemesis/schedule.js';
import { finalReads, registerOps } from '../workload-kit/register-ops.js';
import { expand } from './placeholders.js';
import { readyProbe } from './probes.js';
import type { LaunchContext, WorkloadConfig } from './workload-config.js';

/** A workload built from a file, remembering where it came from (for `faultline check`). */
export interface UserWorkload extends Workload {
  configPath: string;
}

function systemOf(config: WorkloadConfig, variant: string, baseDir: string): SystemSpec {
  const s = config.service;
  const primary = s.primary;
  return {
    name: config.name,
    port: s.port,
    launch({ node, ips, port, dataDir }) {
      const all = [...ips].map(([n, ip]) => `${n}=${ip}:${port}`);
      const ctx: LaunchContext = {
        node,
        nodes: [...ips.keys()],
        ip: ips.get(node)!,
        port,
        dataDir,
        variant,
        nodesList: all.join(','),
        peersList: all.filter((e) => !e.startsWith(`${node}=`)).join(','),
      };
      const argv = (typeof s.command === 'function' ? s.command(ctx) : s.command).map((a) => expand(a, ctx));
      const envRaw = typeof s.env === 'function' ? s.env(ctx) : (s.env ?? {});
      const env = Object.fromEntries(Object.entries(envRaw).map(([k, v]) => [k, expand(v, ctx)]));
      return { command: argv[0]!, args: argv.slice(1), env, cwd: baseDir };
    },
    ready: readyProbe(s.ready),
    ...(s.readyTimeout !== undefined ? { readyTimeoutMs: s.readyTimeout * 1000 } : {}),
    ...(s.clock !== undefined ? { clock: s.clock } : {}),
    ...(primary !== undefined
      ? { primary: async (cluster) => (typeof primary === 'function' ? primary(cluster.nodes) : primary) }
      : {}),
  };
}

export function toWorkload(config: WorkloadConfig, configPath: string, baseDir: string): UserWorkload {
  const faults = config.faults ?? FAULT_KINDS;
  return {
    name: config.name,
    description: config.description ?? `user workload from ${configPath}`,
    variants: config.variants ?? ['default'],
    faults,
    configPath,
    build(opts: TestOptions, nodes) {
      const kinds = opts.nemesis.filter(isFaultKind) as FaultKind[];
      const system = systemOf(config, opts.variant, baseDir);
      return {
        system,
        client: config.client,
        generator: config.generator === undefined ? registerOps() : gen(config.generator),
        final: config.final === undefined ? (config.generator === undefined ? eachThread(finalReads()) : undefined) : gen(config.final),
        nemesis: basicNemesis(kinds, { port: system.port, ...(system.primary ? { primary: system.primary } : {}) }),
        nemesisGenerator: faultCycle(kinds, nodes, opts.nemesisInterval, { primary: system.primary !== undefined }),
        heal: healAll(kinds),
      };
    },
    checker(opts: TestOptions): Checker {
      const c = config.checker;
      if (c === undefined) return linearizable(multiRegister, { timeoutMs: opts.checkerTimeout * 1000 });
      return typeof c === 'function' ? c(opts as unknown as Record<string, unknown>) : c;
    },
  };
}
