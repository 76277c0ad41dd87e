/**
 * Size of reports for large synthetic histories: the file must stay
 * small (Porcupine's view reached 1.5 GB for 3,000 ops; ours must never grow like that).
 * Prints the figures so a run of this file doubles as the measurement.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write-report.js';
import { writeSyntheticRun } from '../../bench/report-synthetic.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-report-size-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('report size', () => {
  it.each([
    [1_000, 300 * 1024],
    [10_000, 1024 * 1024],
    [100_000, 3 * 1024 * 1024],
  ])('a %i-op history gives a small report', (n, maxBytes) => {
    const dir = join(tmp, `run-${n}`);
    const syn = writeSyntheticRun(dir, n);
    const r = writeReport(dir);
    process.stdout.write(`report for ${syn.ops.length} history entries (~${n} client ops): ${(r.bytes / 1024).toFixed(0)} KiB in ${r.ms} ms\n`);
    // Size only: time is measured by `npm run bench:report`, not asserted in a unit test.
    expect(r.bytes).toBeLessThan(maxBytes);
  });
});
