/** `faultline check` regenerates report.html and names it on its `report:` line. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { writeSyntheticRun } from '../../bench/report-synthetic.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-report-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('faultline check writes the report', () => {
  it('after checking, with a report: line, and again on a re-check', async () => {
    const dir = join(tmp, 'run');
    writeSyntheticRun(dir, 300);
    const first = await cli(['check', dir]);
    // The synthetic history is deterministic, and its key k3 reads a value never written.
    expect(first.stderr).toMatch(/linearizability: INVALID/);
    expect(first.code, first.stderr).toBe(1);
    const report = join(dir, 'report.html');
    expect(first.stderr).toContain(`  report: ${report} (`);
    expect(existsSync(report)).toBe(true);
    const html = readFileSync(report, 'utf8');
    // The verdict on the page is the one the checker just wrote.
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { valid: unknown };
    expect(results.valid).toBe(false);
    expect(html.includes('<div class="big" id="verdict">INVALID</div>')).toBe(true);
    // A re-check writes the page again (not only when it is missing).
    writeFileSync(report, 'stale');
    const second = await cli(['check', dir]);
    expect(second.code).toBe(1);
    expect(readFileSync(report, 'utf8')).toContain('<div class="big" id="verdict">INVALID</div>');
  });
});
