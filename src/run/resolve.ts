/**
 * Step 1 of a run: resolve. The request's values plus every declared default give the
 * test's full options, checked against the workload (its variants, the faults it takes,
 * its node limit) before anything is created. The result is the one resolved test the
 * CLI and the library both run.
 */
import { hostsOf } from '../cluster/ssh-hosts.js';
import { UsageError } from '../core/errors.js';
import type { TestOptions } from '../core/test.js';
import { isFaultKind } from '../nemesis/registry.js';
import { optionsFor } from './options/catalog.js';
import { replayCommand } from './options/replay-command.js';
import { defaultOf } from './options/spec.js';
import type { RunRequest } from './request.js';
import type { Workload } from './workload.js';

export interface ResolvedTest {
  workload: Workload;
  /** Every option, defaults filled in: what test.json records. */
  options: TestOptions;
  /** Output root. */
  out: string;
  quiet: boolean;
  /** The workload file, for a run of one. */
  configPath?: string;
  /** The command that runs the same test again. */
  replay: string;
}

export function resolveTest(request: RunRequest): ResolvedTest {
  const { workload, given } = request;
  const set = optionsFor(workload);
  const variant = (given.get('variant') as string | undefined) ?? workload.variants[0]!;
  if (!workload.variants.includes(variant)) {
    throw new UsageError(`--variant for ${workload.name} must be one of ${workload.variants.join('|')}, got "${variant}"`);
  }
  const context = { workload: workload.name, variant, variants: workload.variants };
  const values: Record<string, unknown> = { workload: workload.name };
  const backend = (given.get('backend') ?? defaultOf(set.byKey.get('backend')!, context)) as string;
  for (const spec of set.specs) {
    if (spec.scope === 'run') continue;
    if (spec.backends && !spec.backends.includes(backend)) {
      if (given.has(spec.key)) throw new UsageError(`--${spec.flag} applies to --backend ${spec.backends.join('|')} only, not ${backend}`);
      continue;
    }
    const v = given.has(spec.key) ? given.get(spec.key) : defaultOf(spec, context);
    if (v !== undefined) values[spec.key] = v;
  }
  // A default the workload cannot take becomes what it can; an explicit value must fit.
  const nemesis = (values.nemesis as string[]).filter((k) => given.has('nemesis') || (workload.faults as readonly string[]).includes(k));
  for (const k of nemesis) {
    if (!isFaultKind(k) || !(workload.faults as readonly string[]).includes(k)) {
      throw new UsageError(`--nemesis: unknown fault "${k}" for ${workload.name}; available: ${workload.faults.join(',')} (or none)`);
    }
  }
  values.nemesis = nemesis;
  if (!given.has('nodes') && workload.defaultNodes !== undefined) values.nodes = workload.defaultNodes;
  // On hosts given by the user, as many nodes as hosts unless told otherwise (up to the workload's default).
  if (!given.has('nodes') && backend === 'ssh') {
    const hosts = hostsOf({ sshHosts: values.sshHosts as string | undefined, sshHostsFile: values.sshHostsFile as string | undefined }).length;
    values.nodes = Math.min(hosts, workload.defaultNodes ?? 9);
  }
  if (workload.maxNodes !== undefined && (values.nodes as number) > workload.maxNodes) {
    if (given.has('nodes')) throw new UsageError(`--nodes: ${workload.name} runs on at most ${workload.maxNodes} node(s), got ${String(values.nodes)}; use --nodes ${workload.maxNodes}`);
    values.nodes = workload.maxNodes;
  }
  if (!given.has('rate') && workload.defaultRate !== undefined) values.rate = workload.defaultRate;
  if (!given.has('opsPerKey') && workload.defaultOpsPerKey !== undefined) values.opsPerKey = workload.defaultOpsPerKey;
  if (request.schedule) values.schedule = request.schedule;
  const options = values as unknown as TestOptions;
  const configPath = 'configPath' in workload && typeof workload.configPath === 'string' ? workload.configPath : undefined;
  return {
    workload,
    options,
    out: request.out,
    quiet: request.quiet,
    ...(configPath !== undefined ? { configPath } : {}),
    replay: replayCommand(options, set, configPath),
  };
}
