/**
 * Interprets a generator against real workers (after Jepsen's generator interpreter):
 * one worker per client thread, each bound to a node, plus the nemesis worker. It asks
 * the generator for ops, invokes them, records invocation and completion in the history
 * and feeds both back to the generator.
 *
 * A runner is opened once per test (one client per thread) and may run several generators
 * one after another — the main phase, then healing and final reads — with the same
 * workers, so a process that went `info` in one phase stays retired in the next.
 *
 * Ordering guarantee: a completion is appended to the history (synchronously, on disk)
 * in the same turn of the event loop in which the client call returns, and the thread is
 * only offered to the generator again after that — so the file is never behind the test.
 *
 * The runner knows clients and the nemesis only by the small interfaces below (the
 * clients/ and nemesis/ contracts satisfy them): core stands on nothing above it.
 */
import { setMaxListeners } from 'node:events';
import type { GenContext, Generator, PlannedOp } from './generator/types.js';
import type { HistoryWriter } from './history-writer.js';
import type { Op, ProcessId, Thread } from './op.js';
import type { Rng } from './rng.js';

/** How an invoked op ended. */
interface Completion {
  type: 'ok' | 'fail' | 'info';
  value: unknown;
  error?: string;
}

/** What the runner needs of the test it runs (a TestRuntime has all of it). */
interface RunnerTest {
  readonly cluster: { readonly nodes: readonly string[] };
  readonly log: { info(obj: object): void };
  /** Nanoseconds since the test began (monotonic). */
  now(): number;
}

/** A client template: opened once per client thread, bound to that thread's node. */
interface RunnerClient<T> {
  open(test: T, node: string): Promise<OpenRunnerClient<T>>;
}

interface OpenRunnerClient<T> {
  invoke(test: T, op: { f: string; value: unknown; process: number }, signal: AbortSignal): Promise<Completion>;
  close(test: T): Promise<void>;
}

interface RunnerNemesis<T> {
  invoke(test: T, op: { f: string; value: unknown }): Promise<Completion>;
}

interface RunnerOptions<T extends RunnerTest> {
  test: T;
  rng: Rng;
  /** A client template; the runner opens one per thread on `nodes[thread % nodes.length]`. */
  client: RunnerClient<T>;
  nemesis: RunnerNemesis<T>;
  history: HistoryWriter;
  concurrency: number;
  opTimeoutMs: number;
  /** Nemesis ops may take longer (restarting a node waits for it to be ready). */
  nemesisTimeoutMs?: number;
  /** Aborting stops scheduling; ops in flight are given `graceMs` and then abandoned. */
  signal?: AbortSignal;
  graceMs?: number;
  /** Called after every op appended to the history (for progress display). */
  onOp?: (op: Op) => void;
}

export interface RunnerResult {
  ops: number;
  interrupted: boolean;
}

/** An opened runner: run generators one after another, then close the clients. */
export interface Runner {
  run(generator: Generator): Promise<RunnerResult>;
  close(): Promise<void>;
}

interface Completed {
  thread: Thread;
  op: Op;
  /** Not in the history: a sleep or log op, fed to the generator only. */
  special: boolean;
}

/** Opens one client per thread and runs `generator` to exhaustion (or interruption). */
export async function runGenerator<T extends RunnerTest>(o: RunnerOptions<T> & { generator: Generator }): Promise<RunnerResult> {
  const runner = await openRunner(o);
  try {
    return await runner.run(o.generator);
  } finally {
    await runner.close();
  }
}

export async function openRunner<T extends RunnerTest>(o: RunnerOptions<T>): Promise<Runner> {
  const { test, history, concurrency } = o;
  const nodes = test.cluster.nodes;
  const threads: Thread[] = [...Array.from({ length: concurrency }, (_, i) => i), 'nemesis'];
  const workers = new Map<Thread, ProcessId>(threads.map((t) => [t, t]));
  const busy = new Set<Thread>();
  const clients = new Map<number, OpenRunnerClient<T>>();
  for (let t = 0; t < concurrency; t++) clients.set(t, await o.client.open(test, nodes[t % nodes.length]!));

  const queue: Completed[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const aborted = () => o.signal?.aborted === true;
  // One listener per op in flight, plus ours: more than the default warning limit of 10.
  if (o.signal) setMaxListeners(concurrency + 16, o.signal);
  o.signal?.addEventListener('abort', notify, { once: true });
  const inflight = new Set<Promise<void>>();

  let gen: Generator | null = null;
  let rng = o.rng;
  const ctx = (): GenContext => ({
    time: test.now(),
    free: threads.filter((t) => !busy.has(t)),
    threads,
    workers,
    rng,
  });

  const waitForEvent = (ms?: number) =>
    new Promise<void>((resolve) => {
      if (queue.length > 0 || aborted()) return resolve();
      const timer = ms === undefined ? undefined : setTimeout(resolve, Math.max(0, ms));
      wake = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
    });

  const threadOf = (p: ProcessId): Thread => {
    for (const [t, q] of workers) if (q === p) return t;
    throw new Error(`generator emitted an op for process ${String(p)}, which no thread runs`);
  };

  const drain = () => {
    while (queue.length > 0) {
      const c = queue.shift()!;
      busy.delete(c.thread);
      // After an indeterminate op the process might still be acting on the system, so
      // the thread continues as a fresh process (Jepsen's rule).
      if (!c.special && c.op.type === 'info' && typeof c.thread === 'number') {
        workers.set(c.thread, (c.op.process as number) + concurrency);
      }
      if (gen) gen = gen.update(ctx(), c.op);
    }
  };

  const dispatch = (planned: PlannedOp) => {
    const thread = threadOf(planned.process);
    busy.add(thread);
    if (planned.kind === 'sleep' || planned.kind === 'log') {
      const base = { index: -1, process: planned.process, f: planned.f, value: planned.value, time: test.now() };
      gen = gen?.update(ctx(), { ...base, type: 'invoke' }) ?? null;
      if (planned.kind === 'log') test.log.info({ msg: String(planned.value) });
      const ms = planned.kind === 'sleep' ? Number(planned.value) * 1000 : 0;
      // A sleep ends early on interrupt, so Ctrl-C is not held up by a nemesis pause.
      const p = new Promise<void>((r) => {
        const onAbort = () => {
          clearTimeout(t);
          r();
        };
        const t = setTimeout(() => {
          o.signal?.removeEventListener('abort', onAbort);
          r();
        }, aborted() ? 0 : ms);
        o.signal?.addEventListener('abort', onAbort, { once: true });
      }).then(() => {
        queue.push({ thread, special: true, op: { ...base, type: 'ok', time: test.now() } });
        notify();
      });
      track(p);
      return;
    }
    const node = typeof thread === 'number' ? nodes[thread % nodes.length] : undefined;
    const invoke = history.append({
      type: 'invoke',
      process: planned.process,
      f: planned.f,
      value: planned.value,
      time: test.now(),
      ...(node !== undefined ? { node } : {}),
    });
    o.onOp?.(invoke);
    gen = gen?.update(ctx(), invoke) ?? null;
    const p = execute(thread, planned).then((res) => {
      const done = history.append({
        type: res.type,
        process: planned.process,
        f: planned.f,
        value: res.value,
        time: test.now(),
        ...(node !== undefined ? { node } : {}),
        ...(res.error !== undefined ? { error: res.error } : {}),
      });
      o.onOp?.(done);
      queue.push({ thread, special: false, op: done });
      notify();
    });
    track(p);
  };

  const track = (p: Promise<void>) => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  const execute = async (thread: Thread, planned: PlannedOp): Promise<Completion> => {
    const timeoutMs = thread === 'nemesis' ? (o.nemesisTimeoutMs ?? 60_000) : o.opTimeoutMs;
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => ac.abort(new Error('interrupted'));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const timeout = new Promise<Completion>((resolve) => {
      timer = setTimeout(() => {
        ac.abort(new Error('timeout'));
        resolve({ type: 'info', value: planned.value, error: `timeout after ${timeoutMs} ms` });
      }, timeoutMs);
    });
    const attempt = (async (): Promise<Completion> => {
      if (thread === 'nemesis') return o.nemesis.invoke(test, { f: planned.f, value: planned.value });
      const client = clients.get(thread as number)!;
      return client.invoke(test, { f: planned.f, value: planned.value, process: planned.process as number }, ac.signal);
    })().catch((e: unknown): Completion => ({
      type: 'info',
      value: planned.value,
      error: ac.signal.aborted ? String((ac.signal.reason as Error)?.message ?? 'aborted') : e instanceof Error ? e.message : String(e),
    }));
    try {
      return await Promise.race([attempt, timeout]);
    } finally {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
    }
  };

  const run = async (generator: Generator): Promise<RunnerResult> => {
    gen = generator;
    while (!aborted()) {
      drain();
      if (!gen) break;
      const step: ReturnType<Generator['op']> = gen.op(ctx());
      if (step === null) {
        gen = null;
        break;
      }
      if (step === 'pending') {
        if (busy.size === 0 && queue.length === 0) {
          // Nothing can ever wake us: a generator bug, reported instead of hanging the run.
          throw new Error(`generator is waiting with nothing in flight (busy threads: ${[...busy].join(',') || 'none'}; free: ${ctx().free.join(',')})`);
        }
        await waitForEvent();
        continue;
      }
      const delayMs = (step.op.time - test.now()) / 1e6;
      if (delayMs > 0.5) {
        // Re-ask after the wait: a completion arriving meanwhile may change the answer.
        await waitForEvent(delayMs);
        continue;
      }
      gen = step.gen;
      rng = step.rng;
      dispatch(step.op);
    }

    // Let what is in flight finish (or, when interrupted, give it a short grace).
    const all = Promise.all([...inflight]);
    if (aborted()) await Promise.race([all, new Promise((r) => setTimeout(r, o.graceMs ?? 2000))]);
    else await all;
    drain();
    gen = null;
    return { ops: history.count, interrupted: aborted() };
  };

  return {
    run,
    async close() {
      for (const c of clients.values()) await c.close(test).catch(() => undefined);
      clients.clear();
    },
  };
}
