/**
 * The README's option, consistency-model and fault tables are the declarations, written out: a change to an
 * option or a fault package that the README does not follow fails here (the expected
 * table is in the failure message, ready to paste).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelsTable } from '../../src/checkers/txn/consistency-models.js';
import { faultsTable, optionsTable } from '../../src/run/options/usage.js';
import { builtinWorkloads } from '../../src/run/workloads.js';
import { repoRoot } from '../helpers/cli.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The first Markdown table after `heading`. */
function tableAfter(heading: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  expect(at, `README has no "${heading}"`).toBeGreaterThan(0);
  const lines = readme.slice(at).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start, end).join('\n');
}

describe('README', () => {
  it('lists every run option as declared (run options, backends, workloads)', async () => {
    const expected = optionsTable(await builtinWorkloads());
    expect(expected).toMatch(/`--reads linearizable\\\|serializable` \| `linearizable` \| `etcd` only: /);
    expect(tableAfter('### Run options')).toBe(expected);
  });

  it('lists the consistency models as the model table declares them', () => {
    expect(tableAfter('### Consistency models')).toBe(modelsTable());
  });

  it('lists every fault kind as its package describes it', () => {
    expect(tableAfter('## Faults')).toBe(faultsTable());
  });
});
