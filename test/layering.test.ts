/**
 * The layers of DESIGN.md, kept: each module imports only from its own layer or those
 * below it. core is the ground floor (it imports nothing else of the project); then
 * cluster < nemesis < clients < checkers < report < systems < run/config/api/cli, and
 * workloads/ on top. domain/ (data models shared by systems, workloads and checkers) sits
 * just above core; workload-kit/ (client op generators) beside the systems.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

/** Layer of a file by its top directory under src/ (or workloads/). */
const LAYERS: Record<string, number> = {
  core: 0,
  domain: 1,
  cluster: 2,
  nemesis: 3,
  clients: 4,
  checkers: 5,
  report: 6,
  systems: 7,
  'workload-kit': 7,
  run: 8,
  config: 8,
  api: 8,
  testing: 8,
  'cli.ts': 8,
  'index.ts': 8,
  'vitest.ts': 8,
  workloads: 9,
};

function layerOf(file: string): { name: string; rank: number } {
  const rel = relative(repoRoot, file).split(/[\\/]/);
  const name = rel[0] === 'src' ? rel[1]! : rel[0]!;
  const rank = Object.hasOwn(LAYERS, name) ? LAYERS[name]! : undefined;
  if (rank === undefined) throw new Error(`${relative(repoRoot, file)}: in no layer; add its directory to LAYERS`);
  return { name, rank };
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a file: static (type-only included), re-exports and dynamic imports. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g), ...text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g)].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

const files = [...sources(join(repoRoot, 'src')), ...sources(join(repoRoot, 'workloads'))];

describe('layering', () => {
  it('finds the imports it judges (the check can fail)', () => {
    // run/run.ts is the top of the run: it must see imports into several layers below.
    const run = importsOf(join(repoRoot, 'src/run/run.ts')).map((f) => layerOf(f).name);
    expect(new Set(run)).toEqual(new Set(['core', 'cluster', 'nemesis', 'checkers', 'clients', 'run']));
  });

  it('src/core imports nothing above it', () => {
    const violations = files
      .filter((f) => layerOf(f).name === 'core')
      .flatMap((f) => importsOf(f).filter((t) => layerOf(t).name !== 'core').map((t) => `${relative(repoRoot, f)} -> ${relative(repoRoot, t)}`));
    expect(violations).toEqual([]);
  });

  it('no layer imports a layer above it', () => {
    const violations = files.flatMap((f) => {
      const from = layerOf(f);
      return importsOf(f)
        .filter((t) => layerOf(t).rank > from.rank)
        .map((t) => `${relative(repoRoot, f)} (${from.name}) -> ${relative(repoRoot, t)} (${layerOf(t).name})`);
    });
    expect(violations).toEqual([]);
  });

  it('checkers need nothing of the systems they judge', () => {
    const violations = files
      .filter((f) => layerOf(f).name === 'checkers')
      .flatMap((f) => importsOf(f).filter((t) => layerOf(t).name === 'systems').map((t) => relative(repoRoot, f)));
    expect(violations).toEqual([]);
  });

  it('no two exported functions are called runTest', () => {
    const exporters = files.filter((f) => /export (async )?function runTest\b/.test(readFileSync(f, 'utf8')));
    expect(exporters.map((f) => relative(repoRoot, f))).toEqual(['src/api/run.ts']);
  });
});
