/** Layout of a run directory: `reports/<workload>/<timestamp>/`. */
import { join } from 'node:path';

export const runFiles = {
  test: (dir: string) => join(dir, 'test.json'),
  history: (dir: string) => join(dir, 'history.jsonl'),
  results: (dir: string) => join(dir, 'results.json'),
  log: (dir: string) => join(dir, 'faultline.log'),
  nodes: (dir: string) => join(dir, 'nodes'),
};

/** A sortable, filesystem-safe timestamp: 20261126T071530.123Z. */
export function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '');
}
