/**
 * Runs one test end to end: set up the cluster, drive clients and the nemesis from the
 * generator while streaming the history to disk, heal, tear everything down, check, and
 * write the run directory. Ctrl-C stops scheduling, heals, cleans up and keeps the history.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { LocalCluster } from '../cluster/local.js';
import { newRunId } from '../cluster/names.js';
import type { Cluster, SystemSpec } from '../cluster/cluster.js';
import { libfaketimePath } from '../cluster/faketime.js';
import { nodeNames } from '../cluster/cluster.js';
import { readHistoryFile } from './history-reader.js';
import { any, clients, log, nemesis, ownRng, phases, rate, sleep, timeLimit } from './generator/index.js';
import { HistoryWriter } from './history-writer.js';
import { Progress } from './progress.js';
import { Rng } from './rng.js';
import { runGenerator } from './runner.js';
import { runFiles, timestamp } from './run-dir.js';
import type { TestOptions, TestRuntime } from './test.js';
import { loadWorkload } from './workloads.js';
import type { Workload, WorkloadParts } from './workload.js';
import { FaultlineError, UsageError } from './errors.js';
import { isFaultKind } from '../nemesis/schedule.js';
import { fixedSchedule } from '../nemesis/fixed-schedule.js';
import type { Op } from './op.js';
import { checkRun, type CheckOutcome } from './check-run.js';
import type { ParsedRun } from './options.js';
import { requireNamespaces } from '../cluster/privileges.js';
import { markRunLive, unmarkRun } from '../cluster/live-runs.js';
import { DockerCluster, requireDockerBackend } from '../cluster/docker.js';

export interface RunOutcome {
  runDir: string;
  exitCode: number;
  interrupted: boolean;
  check?: CheckOutcome;
}

/** Resolves the workload and checks every option against it, before anything is created. */
export async function resolveTest(parsed: ParsedRun): Promise<{ workload: Workload; options: TestOptions }> {
  if (!parsed.workload && !parsed.config) throw new UsageError('no workload given: faultline run <workload> (e.g. register), or --config <file>');
  const workload = await loadWorkload(parsed.workload, parsed.config !== undefined ? { config: parsed.config } : {});
  const variant = parsed.options.variant ?? workload.variants[0]!;
  if (!workload.variants.includes(variant)) {
    throw new UsageError(`--variant for ${workload.name} must be one of ${workload.variants.join('|')}, got "${variant}"`);
  }
  const explicit = parsed.explicit ?? { nodes: true, nemesis: true, rate: true };
  // Defaults the workload cannot take become what it can; explicit values must fit.
  const nemesis = explicit.nemesis ? parsed.options.nemesis : parsed.options.nemesis.filter((k) => workload.faults.includes(k));
  for (const k of nemesis) {
    if (!isFaultKind(k) || !workload.faults.includes(k)) {
      throw new UsageError(`--nemesis: unknown fault "${k}" for ${workload.name}; available: ${workload.faults.join(',')} (or none)`);
    }
  }
  const reads = parsed.options.reads;
  if (reads !== undefined && !workload.reads?.includes(reads)) {
    throw new UsageError(workload.reads ? `--reads for ${workload.name} must be one of ${workload.reads.join('|')}, got "${reads}"` : `--reads: ${workload.name} has no read modes; drop --reads`);
  }
  let nodes = !explicit.nodes && workload.defaultNodes !== undefined ? workload.defaultNodes : parsed.options.nodes;
  if (workload.maxNodes !== undefined && nodes > workload.maxNodes) {
    if (explicit.nodes) throw new UsageError(`--nodes: ${workload.name} runs on at most ${workload.maxNodes} node(s), got ${nodes}; use --nodes ${workload.maxNodes}`);
    nodes = workload.maxNodes;
  }
  const rate = !explicit.rate && workload.defaultRate !== undefined ? workload.defaultRate : parsed.options.rate;
  return { workload, options: { ...parsed.options, nodes, nemesis, rate, workload: workload.name, variant, ...(workload.reads ? { reads: reads ?? workload.reads[0]! } : {}) } };
}

export async function runTest(parsed: ParsedRun, out: NodeJS.WriteStream = process.stderr): Promise<RunOutcome> {
  const { workload, options } = await resolveTest(parsed);
  if (options.backend === 'docker') await requireDockerBackend(options.nemesis);
  else await requireNamespaces();

  const nodes = nodeNames(options.nodes);
  let parts: WorkloadParts;
  try {
    parts = workload.build(options, nodes);
  } catch (e) {
    // A workload refusing its options (too few nodes, say) is a usage error, not a crash.
    if (e instanceof FaultlineError) throw e;
    throw new UsageError(`${workload.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (options.nemesis.includes('clock')) requireClockFaults(parts.system);
  const runId = newRunId();
  const runDir = claimRunDir(join(parsed.out, workload.name), runId);
  mkdirSync(runFiles.nodes(runDir), { recursive: true });
  const testJson = {
    faultline: '0.1.0',
    runId,
    startedAt: new Date().toISOString(),
    options,
    // A user's workload file, so `faultline check` can load the same checker again.
    ...('configPath' in workload ? { configPath: workload.configPath } : {}),
    replay: `npm run test:jepsen -- ${workload.name} --variant ${options.variant} --seed ${options.seed} --nodes ${options.nodes} --concurrency ${options.concurrency} --time-limit ${options.timeLimit} --rate ${options.rate} --nemesis ${options.nemesis.join(',') || 'none'}${options.backend === 'docker' ? ' --backend docker' : ''}${options.reads ? ` --reads ${options.reads}` : ''}${'configPath' in workload ? ` --config ${String(workload.configPath)}` : ''}`,
  };
  writeFileSync(runFiles.test(runDir), JSON.stringify(testJson, null, 2) + '\n');
  const logger = pino({ base: { run: runId } }, pino.destination({ dest: runFiles.log(runDir), sync: true }));
  const clusterOptions = {
    runId,
    nodes,
    system: parts.system,
    logDir: runFiles.nodes(runDir),
    log: (m: string) => logger.info(m),
    // An image build can take minutes: show its steps to whoever is waiting.
    notice: (m: string) => {
      logger.info(m);
      if (!parsed.quiet) out.write(`faultline: ${m}\n`);
    },
    fakeTime: options.nemesis.includes('clock'),
  };
  const cluster: Cluster = options.backend === 'docker' ? new DockerCluster(clusterOptions) : new LocalCluster(clusterOptions);
  const startNs = process.hrtime.bigint();
  const test: TestRuntime = {
    runId,
    runDir,
    options,
    cluster,
    log: logger,
    now: () => Number(process.hrtime.bigint() - startNs),
  };

  const ac = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      out.write(`\nfaultline: ${sig}: stopping, healing and cleaning up (again to force; then run \`faultline clean\`)\n`);
      logger.warn({ signal: sig }, 'interrupted');
      ac.abort();
    } else {
      out.write(`faultline: forced exit; history kept in ${runDir}; run \`faultline clean\` to remove leftovers\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // `faultline clean` elsewhere must not remove this run while it is alive.
  markRunLive(runId);
  const history = new HistoryWriter(runFiles.history(runDir));
  const progress = new Progress(options.timeLimit, Date.now(), out, !parsed.quiet);
  out.write(`faultline: ${workload.name} (${options.variant}) on ${options.nodes} ${options.backend === 'docker' ? 'Docker' : 'local'} nodes, seed ${options.seed}, run ${runId}\nfaultline: output in ${runDir}\n`);
  let interrupted = false;
  try {
    logger.info({ options }, 'setting up cluster');
    await abortable(cluster.setup(), ac.signal);
    await abortable(parts.nemesis.setup(test), ac.signal);
    const setupClient = await parts.client.open(test, nodes[0]!);
    await setupClient.setup(test);
    progress.start();
    const generator = phases(
      timeLimit(options.timeLimit, any(clients(rate(options.rate, parts.generator)), nemesis(options.schedule ? fixedSchedule(options.schedule) : ownRng(nemesisSeed(options.seed), parts.nemesisGenerator)))),
      log('main phase over: healing'),
      nemesis(parts.heal),
      log(`waiting ${options.recoveryTime} s for recovery`),
      sleep(options.recoveryTime),
      log('final reads'),
      clients(parts.final ?? null),
    );
    const r = await runGenerator({
      test,
      generator,
      rng: Rng.seeded(options.seed),
      client: parts.client,
      nemesis: parts.nemesis,
      history,
      concurrency: options.concurrency,
      opTimeoutMs: options.opTimeoutMs,
      signal: ac.signal,
      onOp: (op) => progress.onOp(op),
    });
    interrupted = r.interrupted;
    await setupClient.teardown(test).catch(() => undefined);
    await setupClient.close(test).catch(() => undefined);
  } catch (e) {
    if (!ac.signal.aborted) throw e;
    interrupted = true;
  } finally {
    progress.stop();
    logger.info('healing');
    await parts.nemesis.teardown(test).catch((e: unknown) => logger.error({ err: e }, 'nemesis teardown failed'));
    logger.info('tearing down cluster');
    await cluster.teardown().catch((e: unknown) => {
      logger.error({ err: e }, 'cluster teardown failed');
      out.write(`faultline: cleanup failed (${(e as Error).message}); run \`faultline clean\`\n`);
    });
    logger.info('cluster removed');
    history.close();
    const { ops } = readHistoryFile(runFiles.history(runDir));
    const schedule = scheduleAsRun(ops);
    writeFileSync(runFiles.test(runDir), JSON.stringify({ ...testJson, endedAt: new Date().toISOString(), interrupted, schedule }, null, 2) + '\n');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    unmarkRun(runId);
  }
  if (interrupted) {
    out.write(`faultline: interrupted; cleaned up; history kept in ${runDir} (check it with: faultline check ${runDir})\n`);
    return { runDir, exitCode: 130, interrupted };
  }
  const check = await checkRun(runDir, out);
  logger.info({ valid: check.valid }, 'checked');
  logger.flush();
  return { runDir, exitCode: check.exitCode, interrupted, check };
}

/**
 * Clock faults skew a process through libfaketime, which only works for programs that read
 * the time through libc: refuse clearly instead of running faults that do nothing.
 */
function requireClockFaults(system: SystemSpec): void {
  if (system.clock !== 'libc') {
    throw new UsageError(`--nemesis clock: ${system.name} does not read the clock through libc (libfaketime cannot skew it, e.g. a static Go binary); drop clock from --nemesis`);
  }
  libfaketimePath();
}

/**
 * The faults as they ran: each nemesis op with when it was invoked (`at`, seconds since the
 * main phase's first op: what a replay schedules), when it completed (`time`, ns since the
 * test began) and what it did.
 */
function scheduleAsRun(ops: readonly Op[]): { at: number; time: number; f: string; value: unknown; type: string }[] {
  const out: { at: number; time: number; f: string; value: unknown; type: string }[] = [];
  const start = ops[0]?.time ?? 0;
  let invokedAt = 0;
  for (const o of ops) {
    if (o.process !== 'nemesis') continue;
    if (o.type === 'invoke') invokedAt = o.time;
    else out.push({ at: Math.round((invokedAt - start) / 1e6) / 1000, time: o.time, f: o.f, value: o.value, type: o.type });
  }
  return out;
}

/**
 * `<parent>/<timestamp>`, created here so that two runs started in the same millisecond
 * (parallel tests, two terminals) never share a directory: the second gets the run id too.
 */
function claimRunDir(parent: string, runId: string): string {
  mkdirSync(parent, { recursive: true });
  const base = join(parent, timestamp());
  try {
    mkdirSync(base);
    return base;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const unique = `${base}-${runId}`;
    mkdirSync(unique);
    return unique;
  }
}

/** The fault schedule's own seed, derived from the run's (so one --seed reproduces both). */
function nemesisSeed(seed: number): number {
  return (seed ^ 0x5eed_fa17) >>> 0;
}

/** Rejects as soon as `signal` aborts, so Ctrl-C during a slow setup is not ignored. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new FaultlineError('interrupted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new FaultlineError('interrupted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
