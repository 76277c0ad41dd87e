/**
 * Fault packages: each kind's name and op names live in one module (its package), the
 * packages agree with their own nemeses, and composed schedules behave — one fault at a
 * time by default, overlapping kinds with `overlap`, reproducible from the seed either way.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clients, nemesis, ownRng, rate, simulate, timeLimit, any } from '../../src/core/generator/index.js';
import { faults } from '../../src/nemesis/faults.js';
import { FAULT_PACKAGES, faultOpRole, faultPackage, isFaultKind } from '../../src/nemesis/registry.js';
import { Rng } from '../../src/core/rng.js';
import { registerOps } from '../../src/workload-kit/register-ops.js';
import { repoRoot } from '../helpers/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Source without comments (which may name any kind: they are docs). */
const uncommented = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
const code = [...sources(join(repoRoot, 'src')), ...sources(join(repoRoot, 'workloads'))].map((f) => ({ file: relative(repoRoot, f), text: uncommented(readFileSync(f, 'utf8')) }));

/** The same word meaning something else: tc's `latency` queue bound, the op-latency plot's id. */
const OTHER_MEANINGS: Record<string, string[]> = { latency: ['src/nemesis/bandwidth.ts', 'src/report/latency-plot.ts'] };

/** Files of src/ and workloads/ where `name` appears as a string literal in code. */
function filesQuoting(name: string): string[] {
  const re = new RegExp(`['"\`]${name.replace(/[-]/g, '\\-')}['"\`]`);
  return code.filter((c) => re.test(c.text) && !(OTHER_MEANINGS[name] ?? []).includes(c.file)).map((c) => c.file);
}

describe('fault packages', () => {
  it.each(FAULT_PACKAGES.map((p) => [p.kind, p] as const))('%s: its name and op names are written in its module only', (kind, pkg) => {
    const home = `src/nemesis/${kind}.ts`;
    for (const name of new Set([kind, ...pkg.startFs, ...pkg.stopFs.filter((f) => f.includes(kind) || f.startsWith(`${kind}-`))])) {
      expect(filesQuoting(name), name).toEqual([home]);
    }
  });

  it('the search above sees quoted names (it can fail)', () => {
    expect(filesQuoting('start-partition')).toContain('src/nemesis/partition.ts');
    expect(filesQuoting('linearizability').length).toBeGreaterThan(1);
  });

  it('each package draws its own start ops and stops with its own stop op, which its nemesis handles', () => {
    const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
    for (const pkg of FAULT_PACKAGES) {
      const handled = pkg.nemesis({ port: 1 }).fs;
      for (let seed = 0; seed < 30; seed++) {
        const op = pkg.draw(nodes, Rng.seeded(seed), { primary: seed % 2 === 0 });
        expect(pkg.startFs, pkg.kind).toContain(op.f);
        expect(faultOpRole(op.f)).toEqual({ pkg, role: 'start' });
      }
      expect(pkg.stopFs).toContain(pkg.stop().f);
      expect([...handled].sort()).toEqual([...pkg.startFs, ...pkg.stopFs].sort());
    }
  });

  it('knows kinds by name only (no prototype names)', () => {
    for (const name of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      expect(isFaultKind(name)).toBe(false);
      expect(faultPackage(name)).toBeUndefined();
      expect(faultOpRole(name)).toBeUndefined();
    }
    expect(() => faults(['toString'], { nodes: ['n1'], interval: 1 })).toThrow(/unknown fault kind "toString"/);
  });
});

/** Fault windows (start to stop, per kind) of a simulated main phase. */
function windows(overlap: boolean, seed: number): { kind: string; from: number; to: number }[] {
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  const plan = faults(['partition', 'kill', 'pause'], { nodes, interval: 1, overlap });
  const g = timeLimit(40, any(clients(rate(20, registerOps())), nemesis(ownRng(seed, plan.generator))));
  const open = new Map<string, number>();
  const out: { kind: string; from: number; to: number }[] = [];
  for (const op of simulate(g, { seed, concurrency: 3, latencyNs: 5e6, steps: 20_000 })) {
    if (op.process !== 'nemesis' || op.type !== 'invoke') continue;
    const r = faultOpRole(op.f)!;
    if (r.role === 'start') open.set(r.pkg.kind, op.time);
    else {
      out.push({ kind: r.pkg.kind, from: open.get(r.pkg.kind)!, to: op.time });
      open.delete(r.pkg.kind);
    }
  }
  return out;
}

const overlapping = (ws: ReturnType<typeof windows>) => ws.some((a) => ws.some((b) => a.kind !== b.kind && a.from < b.to && b.from < a.to));

describe('composed schedules', () => {
  it('one at a time: no two faults are ever in force together', () => {
    for (const seed of [1, 2, 3]) {
      const ws = windows(false, seed);
      expect(ws.length).toBeGreaterThan(10);
      expect(overlapping(ws)).toBe(false);
    }
  });

  it('with overlap, every kind runs its own cycle and faults of different kinds overlap', () => {
    const ws = windows(true, 1);
    expect(new Set(ws.map((w) => w.kind))).toEqual(new Set(['partition', 'kill', 'pause']));
    expect(overlapping(ws)).toBe(true);
    // Each kind's own faults never overlap, and each lasts one interval.
    for (const kind of ['partition', 'kill', 'pause']) {
      const own = ws.filter((w) => w.kind === kind);
      for (let i = 1; i < own.length; i++) expect(own[i]!.from).toBeGreaterThanOrEqual(own[i - 1]!.to);
      for (const w of own) expect(w.to - w.from).toBeGreaterThanOrEqual(1e9);
    }
    // The same seed draws the same schedule; another seed another one.
    expect(windows(true, 1)).toEqual(ws);
    expect(windows(true, 2)).not.toEqual(ws);
  });
});
