/**
 * A test run as named steps (after Jepsen's `run!`: with-os, with-db, run-case, analyze).
 * The CLI and the library both build one resolved test and call `runResolvedTest`:
 *
 *   resolveTest(request)              resolve.ts: every option, checked against the workload
 *   runResolvedTest(test):
 *     prepare(test)                   the workload's parts, what its faults need, the run
 *                                     directory with test.json, the log, the cluster object
 *     startCluster(run)               nodes up on the backend, the nemesis set up
 *     setUpClients(run)               one client per worker thread, the workload's setup
 *     runMainPhase(run, clients)      client ops at the rate and fault ops, for the time limit
 *     healAndFinalReads(run, clients) heal every fault, let the system recover, final reads
 *     tearDown(run)                   heal what is left, remove the cluster, record the schedule
 *     checkAndReport(…)               check.ts: results.json, the verdict, report.html
 *
 * Ctrl-C stops scheduling, heals, cleans up and keeps the history.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { Checker } from '../checkers/checker.js';
import type { Client } from '../clients/client.js';
import { nodeNames, type Cluster, type SystemSpec } from '../cluster/cluster.js';
import { libfaketimePath } from '../cluster/faketime.js';
import { markRunLive, unmarkRun } from '../cluster/live-runs.js';
import { newRunId } from '../cluster/names.js';
import type { TestRuntime } from '../cluster/test-runtime.js';
import { FaultlineError, UsageError } from '../core/errors.js';
import { any, clients, log, nemesis, ownRng, phases, rate, sleep, timeLimit } from '../core/generator/index.js';
import { readHistoryFile } from '../core/history-reader.js';
import { HistoryWriter } from '../core/history-writer.js';
import type { Op } from '../core/op.js';
import { Rng } from '../core/rng.js';
import { runFiles, timestamp } from '../core/run-dir.js';
import { openRunner, type Runner, type RunnerResult } from '../core/runner.js';
import { writeFileNoFollow } from '../core/safe-write.js';
import { fixedSchedule } from '../nemesis/fixed-schedule.js';
import { needsOf } from '../nemesis/registry.js';
import { backendNamed } from './backends.js';
import { checkAndReport, type CheckOutcome } from './check.js';
import { shellQuote } from './options/replay-command.js';
import { Progress } from './progress.js';
import type { ResolvedTest } from './resolve.js';
import type { WorkloadParts } from './workload.js';

interface RunOutcome {
  runDir: string;
  exitCode: number;
  interrupted: boolean;
  check?: CheckOutcome;
}

/** Everything the steps share once a run is prepared. */
interface Run {
  readonly test: ResolvedTest;
  readonly parts: WorkloadParts;
  readonly checker: Checker;
  readonly runId: string;
  readonly runDir: string;
  readonly testJson: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  readonly cluster: Cluster;
  readonly runtime: TestRuntime;
  readonly history: HistoryWriter;
  readonly progress: Progress;
  /** Aborted by Ctrl-C. */
  readonly abort: AbortController;
  readonly out: NodeJS.WriteStream;
}

/** The clients of a run: the runner's per-thread clients, and the one that ran the workload's setup. */
interface RunClients {
  runner: Runner;
  setupClient: Client;
}

export async function runResolvedTest(test: ResolvedTest, out: NodeJS.WriteStream = process.stderr): Promise<RunOutcome> {
  const run = await prepare(test, out);
  // `faultline clean` elsewhere must not remove this run while it is alive; the record
  // (live-runs.ts) also lists what the cluster creates, for clean after a SIGKILL.
  markRunLive(run.runId);
  const stopListening = interruptOnSignals(run);
  const { options } = test;
  out.write(`faultline: ${test.workload.name} (${options.variant}) on ${options.nodes} ${options.backend === 'docker' ? 'Docker' : options.backend} nodes, seed ${options.seed}, run ${run.runId}\nfaultline: output in ${run.runDir}\n`);
  let interrupted = false;
  try {
    await startCluster(run);
    const clientsOfRun = await setUpClients(run);
    try {
      interrupted = (await runMainPhase(run, clientsOfRun)).interrupted;
      if (!interrupted) interrupted = (await healAndFinalReads(run, clientsOfRun)).interrupted;
    } finally {
      await clientsOfRun.setupClient.teardown(run.runtime).catch(() => undefined);
      await clientsOfRun.setupClient.close(run.runtime).catch(() => undefined);
      await clientsOfRun.runner.close();
    }
  } catch (e) {
    if (!run.abort.signal.aborted) throw e;
    interrupted = true;
  } finally {
    await tearDown(run, interrupted);
    stopListening();
    unmarkRun(run.runId);
  }
  if (interrupted) {
    out.write(`faultline: interrupted; cleaned up; history kept in ${run.runDir} (check it with: faultline check ${shellQuote(run.runDir)})\n`);
    return { runDir: run.runDir, exitCode: 130, interrupted };
  }
  const check = await checkAndReport(run.runDir, run.checker, options, out);
  run.logger.info({ valid: check.valid }, 'checked');
  run.logger.flush();
  return { runDir: run.runDir, exitCode: check.exitCode, interrupted, check };
}

/**
 * Step: prepare. Builds the workload's parts and its checker, checks what the faults need
 * of the host, the backend and the system, and creates the run directory with test.json —
 * all before any node starts, so a refusal costs nothing to clean up.
 */
async function prepare(test: ResolvedTest, out: NodeJS.WriteStream): Promise<Run> {
  const { workload, options } = test;
  const backend = backendNamed(options.backend);
  const needs = needsOf(options.nemesis);
  await backend.require(needs.hostTools);
  const nodes = nodeNames(options.nodes);
  let parts: WorkloadParts;
  let checker: Checker;
  try {
    parts = workload.build(options, nodes);
    checker = workload.checker(options);
  } catch (e) {
    // A workload refusing its options (too few nodes, say) is a usage error, not a crash.
    if (e instanceof FaultlineError) throw e;
    throw new UsageError(`${workload.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (needs.fakeTime) requireLibcClock(parts.system);
  if (needs.spawnNet && !backend.spawnsHelpers) {
    throw new UsageError(`--nemesis ${options.nemesis.join(',')}: needs helper processes in node namespaces, which the ${backend.name} backend cannot start`);
  }
  const runId = newRunId();
  const runDir = claimRunDir(join(test.out, workload.name), runId);
  mkdirSync(runFiles.nodes(runDir), { recursive: true });
  const testJson = {
    faultline: '0.1.0',
    runId,
    startedAt: new Date().toISOString(),
    options,
    // A workload file's path is a hint for the user; check and replay never load it from here.
    ...(test.configPath !== undefined ? { configPath: test.configPath } : {}),
    // What `faultline check` can rebuild the checker from without loading any code.
    ...(checker.spec !== undefined ? { checker: checker.spec } : {}),
    // Faults given in advance are replayed from the run directory, which keeps them.
    replay: options.schedule ? `npx faultline replay ${shellQuote(runDir)}` : test.replay,
  };
  writeFileNoFollow(runFiles.test(runDir), JSON.stringify(testJson, null, 2) + '\n');
  const logger = pino({ base: { run: runId } }, pino.destination({ dest: runFiles.log(runDir), sync: true }));
  const cluster = backend.cluster({
    runId,
    nodes,
    system: parts.system,
    logDir: runFiles.nodes(runDir),
    log: (m) => logger.info(m),
    // An image build can take minutes: show its steps to whoever is waiting.
    notice: (m) => {
      logger.info(m);
      if (!test.quiet) out.write(`faultline: ${m}\n`);
    },
    warn: (m) => {
      logger.warn(m);
      out.write(`faultline: ${m}\n`);
    },
    fakeTime: needs.fakeTime,
    options,
  });
  const startNs = process.hrtime.bigint();
  const runtime: TestRuntime = { runId, runDir, options, cluster, log: logger, now: () => Number(process.hrtime.bigint() - startNs) };
  return {
    test,
    parts,
    checker,
    runId,
    runDir,
    testJson,
    logger,
    cluster,
    runtime,
    history: new HistoryWriter(runFiles.history(runDir)),
    progress: new Progress(options.timeLimit, Date.now(), out, !test.quiet),
    abort: new AbortController(),
    out,
  };
}

/** Step: start the cluster. Every node up and ready, then the nemesis set up (its chains…). */
async function startCluster(run: Run): Promise<void> {
  run.logger.info({ options: run.test.options }, 'setting up cluster');
  await abortable(run.cluster.setup(), run.abort.signal);
  await abortable(run.parts.faults.nemesis.setup(run.runtime), run.abort.signal);
}

/** Step: set up clients. One per worker thread, and the workload's one-time setup. */
async function setUpClients(run: Run): Promise<RunClients> {
  const { options } = run.test;
  const setupClient = await run.parts.client.open(run.runtime, run.cluster.nodes[0]!);
  await setupClient.setup(run.runtime);
  const runner = await openRunner({
    test: run.runtime,
    rng: Rng.seeded(options.seed),
    client: run.parts.client,
    nemesis: run.parts.faults.nemesis,
    history: run.history,
    concurrency: options.concurrency,
    opTimeoutMs: options.opTimeoutMs,
    signal: run.abort.signal,
    onOp: (op) => run.progress.onOp(op),
  });
  return { runner, setupClient };
}

/**
 * Step: run the generator. Client ops at `--rate` and the fault schedule (drawn from the
 * seed, or given in advance) together, until the time limit.
 */
async function runMainPhase(run: Run, c: RunClients): Promise<RunnerResult> {
  const { options } = run.test;
  const faultOps = options.schedule ? fixedSchedule(options.schedule) : ownRng(nemesisSeed(options.seed), run.parts.faults.generator);
  run.progress.start();
  return c.runner.run(timeLimit(options.timeLimit, any(clients(rate(options.rate, run.parts.generator)), nemesis(faultOps))));
}

/** Step: heal and final reads. Every fault undone, `--recovery-time` to recover, then the workload's final reads. */
async function healAndFinalReads(run: Run, c: RunClients): Promise<RunnerResult> {
  const { options } = run.test;
  const { final } = run.parts;
  // A final phase made from the main phase's history (e.g. reads of the keys still live):
  // the history on disk is complete up to here (every completion is appended before the
  // runner moves on).
  const finalOps = typeof final === 'function' ? final(readHistoryFile(runFiles.history(run.runDir)).ops) : final;
  return c.runner.run(
    phases(
      log('main phase over: healing'),
      nemesis(run.parts.faults.heal),
      log(`waiting ${options.recoveryTime} s for recovery`),
      sleep(options.recoveryTime),
      log('final reads'),
      clients(finalOps ?? null),
    ),
  );
}

/**
 * Step: tear down, whatever happened before. Heals every fault still in force, removes
 * the cluster, closes the history and records in test.json the faults as they ran.
 */
async function tearDown(run: Run, interrupted: boolean): Promise<void> {
  const { logger, out } = run;
  run.progress.stop();
  logger.info('healing');
  await run.parts.faults.nemesis.teardown(run.runtime).catch((e: unknown) => logger.error({ err: e }, 'nemesis teardown failed'));
  logger.info('tearing down cluster');
  await run.cluster.teardown().catch((e: unknown) => {
    logger.error({ err: e }, 'cluster teardown failed');
    out.write(`faultline: cleanup failed (${(e as Error).message}); run \`faultline clean\`\n`);
  });
  logger.info('cluster removed');
  run.history.close();
  const { ops } = readHistoryFile(runFiles.history(run.runDir));
  const doc = { ...run.testJson, endedAt: new Date().toISOString(), interrupted, schedule: scheduleAsRun(ops) };
  writeFileNoFollow(runFiles.test(run.runDir), JSON.stringify(doc, null, 2) + '\n');
}

/** How long a forced teardown (second Ctrl-C) may take before the harness exits anyway. */
const FORCED_TEARDOWN_MS = 15_000;

/**
 * Ctrl-C (or SIGTERM) once: stop, heal, clean up. Twice: tear the cluster down at once
 * (SIGKILL, no grace; at most FORCED_TEARDOWN_MS) and exit 130. Three times: exit at once.
 * Returns the unsubscribe.
 */
function interruptOnSignals(run: Run): () => void {
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      run.out.write(`\nfaultline: ${sig}: stopping, healing and cleaning up (again to force)\n`);
      run.logger.warn({ signal: sig }, 'interrupted');
      run.abort.abort();
    } else if (interrupts === 2) {
      run.out.write(`faultline: forcing teardown (at most ${FORCED_TEARDOWN_MS / 1000} s; again to exit at once)\n`);
      run.logger.warn({ signal: sig }, 'forced teardown');
      void forcedTeardown(run).then((clean) => {
        run.out.write(`faultline: forced exit; history kept in ${run.runDir}${clean ? '' : '; run `faultline clean` to remove leftovers'}\n`);
        process.exit(130);
      });
    } else {
      run.out.write(`faultline: exit without cleanup; history kept in ${run.runDir}; run \`faultline clean\` to remove leftovers\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** The cluster removed with no grace, in bounded time; true when that finished. */
async function forcedTeardown(run: Run): Promise<boolean> {
  let ok = false;
  const done = run.cluster.teardown({ force: true }).then(
    () => (ok = true),
    (e: unknown) => run.logger.error({ err: e }, 'forced teardown failed'),
  );
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, FORCED_TEARDOWN_MS);
    void done.then(() => {
      clearTimeout(t);
      resolve();
    });
  });
  if (ok) unmarkRun(run.runId);
  run.logger.flush();
  return ok;
}

/**
 * Clock faults skew a process through libfaketime, which only works for programs that read
 * the time through libc: refuse clearly instead of running faults that do nothing.
 */
function requireLibcClock(system: SystemSpec): void {
  if (system.clock !== 'libc') {
    throw new UsageError(`--nemesis clock: ${system.name} does not read the clock through libc (libfaketime cannot skew it, e.g. a static Go binary); drop clock from --nemesis`);
  }
  libfaketimePath();
}

/**
 * The faults as they ran: each nemesis op with when it was invoked (`at`, seconds since the
 * main phase's first op: what a replay schedules), when it completed (`time`, ns since the
 * test began) and what it did. Overlapping faults are simply ops at their times.
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
