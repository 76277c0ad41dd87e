/** `faultline check` regenerates report.html and names it on its `report:` line. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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
    expect([0, 1, 2]).toContain(first.code);
    const report = join(dir, 'report.html');
    expect(first.stderr).toContain(`  report: ${report} (`);
    expect(existsSync(report)).toBe(true);
    const html = readFileSync(report, 'utf8');
    // The verdict on the page is the one the checker just wrote.
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { valid: unknown };
    const expected = results.valid === true ? 'VALID' : results.valid === false ? 'INVALID' : 'UNKNOWN';
    expect(html.includes(`<div class="big" id="verdict">${expected}</div>`)).toBe(true);
    const before = statSync(report).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    const second = await cli(['check', dir]);
    expect(second.code).toBe(first.code);
    expect(statSync(report).mtimeMs).toBeGreaterThan(before);
  });
});
