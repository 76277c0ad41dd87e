/**
 * Searches hard partitions on worker threads, one per core, so a history with several
 * hard keys takes about as long as its hardest key. Used only where it pays: for
 * partitions the first quick round left undecided, when there are at least two of them
 * and the model can be named in a worker (it is in the registry). Workers also fence the
 * search off: one that runs past the deadline is terminated, and one that runs out of
 * heap dies alone; both answer `unknown`.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompletedOp } from '../../core/op.js';
import type { Model } from './model.js';
import type { SearchJob } from './search-worker.js';
import type { SearchResult } from './wgl.js';

const workerFile = new URL('./search-worker.js', import.meta.url);
/** A worker still busy this long after the deadline is terminated. */
const DEADLINE_GRACE_MS = 250;
/** V8 heap per worker (interned states live there; the memo is outside, in typed arrays). */
const WORKER_HEAP_MB = 768;

/** Workers can run this model's searches: compiled worker present, model in the registry. */
export function workersFor(model: Model, registry: ReadonlyMap<string, Model>): boolean {
  // Under a TS loader (tests) there is no compiled worker beside this file: search in-thread.
  return registry.get(model.name) === model && workerFile.protocol === 'file:' && existsSync(fileURLToPath(workerFile));
}

const workerCount = (partitions: number): number => Math.max(1, Math.min(partitions, availableParallelism()));

interface ParallelJob {
  key: string;
  ops: CompletedOp[];
}

/**
 * Searches `jobs` on up to `workerCount` threads. `onResult` may return true to stop
 * everything (the first invalid partition, when not reporting fully). Jobs left out of
 * the returned map were not finished: stopped, or their worker crashed.
 */
export async function searchInWorkers(
  model: Model,
  jobs: readonly ParallelJob[],
  opts: { deadline: number; maxBytes: number },
  onResult: (key: string, r: SearchResult) => boolean,
): Promise<Map<string, SearchResult>> {
  const results = new Map<string, SearchResult>();
  const queue = [...jobs];
  const n = workerCount(jobs.length);
  let stopped = false;
  const workers: Worker[] = [];

  const runOne = (worker: Worker): Promise<void> =>
    new Promise((resolve) => {
      let current: { job: ParallelJob; started: number; fence: NodeJS.Timeout } | undefined;
      let fenced = false;
      const next = (): void => {
        const job = stopped ? undefined : queue.shift();
        if (job === undefined) {
          current = undefined;
          resolve();
          return;
        }
        const fence = setTimeout(
          () => {
            fenced = true;
            void worker.terminate();
          },
          Math.max(0, opts.deadline - Date.now()) + DEADLINE_GRACE_MS,
        );
        current = { job, started: Date.now(), fence };
        const msg: SearchJob = { key: job.key, model: model.name, ops: job.ops, opts: { deadline: opts.deadline, maxBytes: opts.maxBytes / n } };
        worker.postMessage(msg);
      };
      worker.on('message', (m: { key: string; result: SearchResult }) => {
        if (current === undefined) return;
        clearTimeout(current.fence);
        results.set(current.job.key, m.result);
        if (onResult(current.job.key, m.result)) stop();
        next();
      });
      // A worker killed by our fence or by an exhausted heap leaves its partition
      // undecided. One that died otherwise (a crash) leaves it without a result: the
      // caller searches it in-thread.
      const died = (oom: boolean): void => {
        if (current !== undefined) {
          clearTimeout(current.fence);
          if (!stopped && (fenced || oom)) {
            const stats = { iterations: 0, memoSize: 0, states: 0, bytes: 0, dropped: 0, elapsedMs: Date.now() - current.started };
            const result: SearchResult = { valid: 'unknown', reason: oom ? 'memo-limit' : 'timeout', stats };
            results.set(current.job.key, result);
            // Reported like any other result: otherwise the caller keeps what it had before.
            onResult(current.job.key, result);
          }
          current = undefined;
        }
        resolve();
      };
      worker.on('error', (e: Error & { code?: string }) => died(e.code === 'ERR_WORKER_OUT_OF_MEMORY'));
      worker.on('exit', () => died(false));
      next();
    });

  const stop = (): void => {
    stopped = true;
    for (const w of workers) void w.terminate();
  };

  const runs: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const w = new Worker(workerFile, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    workers.push(w);
    runs.push(runOne(w));
  }
  await Promise.all(runs);
  await Promise.all(workers.map((w) => w.terminate()));
  return results;
}
