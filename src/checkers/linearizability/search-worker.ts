/**
 * A worker thread that searches partitions handed to it by parallel.ts: one message per
 * partition in, one result out. Models travel by registry name (functions cannot be
 * sent between threads).
 */
import { parentPort } from 'node:worker_threads';
import type { CompletedOp } from '../../core/op.js';
import { models } from './index.js';
import { searchLinearization, type SearchOptions } from './wgl.js';

export interface SearchJob {
  key: string;
  model: string;
  ops: CompletedOp[];
  opts: SearchOptions;
}

parentPort?.on('message', (job: SearchJob) => {
  const model = models.get(job.model);
  if (!model) throw new Error(`search worker: unknown model ${job.model}`);
  parentPort!.postMessage({ key: job.key, result: searchLinearization(model, job.ops, job.opts) });
});
