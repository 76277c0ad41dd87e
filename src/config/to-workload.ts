/**
 * Turns a user's workload file into the same `Workload` the built-in ones are, so a user's
 * service runs through exactly the code path the built-in systems prove.
 */
import { resolve } from 'node:path';
import { linearizable, multiRegister } from '../checkers/linearizability/index.js';
import type { Checker } from '../checkers/checker.js';
import type { SystemSpec } from '../cluster/cluster.js';
import type { ImageChoice, ImageSource } from '../cluster/images/catalog.js';
import { eachThread, gen } from '../core/generator/index.js';
import type { TestOptions } from '../core/test.js';
import { FaultlineError, UsageError } from '../core/errors.js';
import { faults } from '../nemesis/faults.js';
import { FAULT_KINDS } from '../nemesis/registry.js';
import type { Workload } from '../run/workload.js';
import { liveKeyFinalReads, registerOps, threadsPerKeyFor } from '../workload-kit/register-ops.js';
import { expand } from './placeholders.js';
import { readyProbe } from './probes.js';
import type { DockerServiceConfig, LaunchContext, WorkloadConfig } from './workload-config.js';

/**
 * A workload built from a file, remembering where it came from: recorded in test.json as a
 * hint (check and replay of the run need the file passed again; they never load it from there).
 */
export interface UserWorkload extends Workload {
  configPath: string;
  /** The service's own image on the Docker backend (`service.docker`), if it has one. */
  image?: ImageSource;
}

/**
 * Calls a function from the user's workload file. What it throws is the file's mistake,
 * not the harness': one line naming the file and the field, exit 4.
 */
function userCall<T>(configPath: string, field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FaultlineError) throw e;
    throw new UsageError(`${configPath}: ${field} threw: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]} (fix the function in the workload file)`);
  }
}

function systemOf(config: WorkloadConfig, variant: string, baseDir: string, image: ImageSource | undefined, configPath: string): SystemSpec & ImageChoice {
  const s = config.service;
  const primary = s.primary;
  const docker = s.docker;
  return {
    name: config.name,
    port: s.port,
    ...(image !== undefined ? { image } : {}),
    launch({ node, ips, port, dataDir, backend }) {
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
      // In the service's own image, its own command and paths; elsewhere the host's.
      const own = backend === 'docker' && docker !== undefined;
      const command = (own ? docker.command : undefined) ?? s.command;
      const envSpec = (own ? docker.env : undefined) ?? s.env;
      const field = own && docker.command !== undefined ? 'service.docker.command' : 'service.command';
      const argv = (typeof command === 'function' ? userCall(configPath, field, () => command(ctx)) : command).map((a) => expand(a, ctx));
      const envRaw = typeof envSpec === 'function' ? userCall(configPath, 'service.env', () => envSpec(ctx)) : (envSpec ?? {});
      const env = Object.fromEntries(Object.entries(envRaw).map(([k, v]) => [k, expand(v, ctx)]));
      const cwd = own ? docker.workdir : baseDir;
      return { command: argv[0]!, args: argv.slice(1), env, ...(cwd !== undefined ? { cwd } : {}) };
    },
    ready: readyProbe(s.ready),
    ...(s.readyTimeout !== undefined ? { readyTimeoutMs: s.readyTimeout * 1000 } : {}),
    ...(s.clock !== undefined ? { clock: s.clock } : {}),
    ...(primary !== undefined
      ? { primary: async (cluster) => (typeof primary === 'function' ? userCall(configPath, 'service.primary', () => primary(cluster.nodes)) : primary) }
      : {}),
  };
}

function imageSource(name: string, d: DockerServiceConfig, baseDir: string): ImageSource {
  if (d.image !== undefined) return { existing: d.image };
  const b = typeof d.build === 'string' ? { context: d.build } : d.build!;
  return {
    dockerfile: {
      // Kept apart from the built-in images' names, whatever a user calls the service.
      name: `user-${name}`,
      context: resolve(baseDir, b.context),
      ...(b.dockerfile !== undefined ? { dockerfile: b.dockerfile } : {}),
      ...(b.args !== undefined ? { args: b.args } : {}),
    },
  };
}

export function toWorkload(config: WorkloadConfig, configPath: string, baseDir: string): UserWorkload {
  const kinds = config.faults ?? FAULT_KINDS;
  const image = config.service.docker ? imageSource(config.name, config.service.docker, baseDir) : undefined;
  return {
    name: config.name,
    description: config.description ?? `user workload from ${configPath}`,
    variants: config.variants ?? ['default'],
    faults: kinds,
    configPath,
    ...(image !== undefined ? { image } : {}),
    ...(config.opsPerKey !== undefined ? { defaultOpsPerKey: config.opsPerKey } : {}),
    build(opts: TestOptions, nodes) {
      const system = systemOf(config, opts.variant, baseDir, image, configPath);
      return {
        system,
        client: config.client,
        // The default ops rotate keys (a group of workers per key, one per node and at least
        // two, --ops-per-key ops each) and end with reads of the keys still live.
        generator: config.generator === undefined ? registerOps({ opsPerKey: opts.opsPerKey, threadsPerKey: threadsPerKeyFor(nodes.length) }) : gen(config.generator),
        final:
          config.final !== undefined
            ? gen(config.final)
            : config.generator === undefined
              ? (main) => eachThread(liveKeyFinalReads(main, opts.opsPerKey))
              : undefined,
        faults: faults(opts.nemesis, {
          nodes,
          interval: opts.nemesisInterval,
          overlap: opts.faultsOverlap,
          port: system.port,
          primary: system.primary,
        }),
      };
    },
    checker(opts: TestOptions): Checker {
      const c = config.checker;
      if (c === undefined) return linearizable(multiRegister, { timeoutMs: opts.checkerTimeout * 1000 });
      return typeof c === 'function' ? userCall(configPath, 'checker', () => c(opts as unknown as Record<string, unknown>)) : c;
    },
  };
}
