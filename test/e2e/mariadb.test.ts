/**
 * MariaDB's isolation levels through the real CLI on the local backend (mariadbd in the
 * node's namespace), each level checked against what MariaDB documents for it:
 * serializable shows no anomaly through kill -9 and pause; repeatable read, which InnoDB
 * documents is not snapshot isolation, keeps read committed but shows read skew
 * (G-single-item), and with innodb_snapshot_isolation on keeps snapshot isolation;
 * rw-register transactions are recorded in the shape the rw-register checker reads.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-mariadb');
afterAll(() => rmSync(out, { recursive: true, force: true }));
const short = ['--time-limit', '8', '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out];
const runDir = (stderr: string): string => resolve(repoRoot, runDirOf(stderr));
const history = (dir: string): { type: string; process: unknown; f: string; value: unknown }[] =>
  readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('mariadb workload', () => {
  it('serializable: valid through kill -9 and pause', async () => {
    const r = await cli(['run', 'mariadb', '--seed', '1', '--nemesis', 'kill,pause', ...short]);
    expect(r.stderr).toMatch(/mariadb \(serializable\) on 1 local nodes/);
    expect(r.code, r.stderr).toBe(0);
    const ops = history(runDir(r.stderr));
    expect(ops.some((o) => o.process === 'nemesis' && o.f === 'kill' && o.type === 'ok')).toBe(true);
    expect(ops.filter((o) => o.f === 'txn' && o.type === 'ok').length).toBeGreaterThan(50);
  });

  it('repeatable read: keeps read committed, with read skew (G-single-item), which snapshot isolation forbids', async () => {
    const r = await cli(['run', 'mariadb', '--variant', 'repeatable-read', '--seed', '1', '--nemesis', 'none', ...short]);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(runDir(r.stderr), 'results.json'), 'utf8'));
    expect(results['list-append'].consistencyModel).toBe('read-committed');
    expect(results['list-append'].anomalyTypes).toContain('G-single-item');
    expect(results['list-append'].modelsRuledOut).toContain('snapshot-isolation');
    const asSi = await cli(['check', runDirOf(r.stderr), '--consistency-model', 'snapshot-isolation']);
    expect(asSi.code, asSi.stderr).toBe(1);
  });

  it('repeatable read with innodb_snapshot_isolation: write conflicts refused, keeps snapshot isolation', async () => {
    const r = await cli(['run', 'mariadb', '--variant', 'repeatable-read-snapshot', '--seed', '1', '--nemesis', 'none', ...short]);
    expect(r.code, r.stderr).toBe(0);
    const dir = runDir(r.stderr);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results['list-append'].consistencyModel).toBe('snapshot-isolation');
    expect(results['list-append'].forbiddenAnomalyTypes).toEqual([]);
    expect(results['list-append'].txnCount).toBeGreaterThan(100);
    const refused = history(dir).filter((o) => o.type === 'fail' && /^1020 /.test((o as { error?: string }).error ?? ''));
    expect(refused.length).toBeGreaterThan(0);
  });

  it('rw-register: reads and unique writes per key, as the rw-register checker reads them', async () => {
    const r = await cli(['run', 'mariadb', '--txn', 'rw-register', '--variant', 'read-committed', '--seed', '1', '--nemesis', 'none', ...short]);
    expect(r.stderr).toMatch(/rw-register: /);
    const txns = history(runDir(r.stderr)).filter((o) => o.f === 'txn' && o.type === 'ok');
    expect(txns.length).toBeGreaterThan(50);
    const written = new Set<string>();
    let reads = 0;
    for (const t of txns) {
      for (const [f, k, v] of t.value as [string, number, number | null][]) {
        expect(['r', 'w']).toContain(f);
        if (f === 'w') {
          expect(written.has(`${k}=${v}`)).toBe(false);
          written.add(`${k}=${v}`);
        } else if (v !== null) reads++;
      }
    }
    expect(written.size).toBeGreaterThan(20);
    // Reads return values that were written (or null before the first write).
    expect(reads).toBeGreaterThan(10);
  });
});
