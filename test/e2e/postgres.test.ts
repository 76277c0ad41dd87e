/**
 * PostgreSQL's isolation levels under list-append transactions, through the real CLI on
 * the local backend, each checked against the model PostgreSQL documents for it:
 * serializable shows no anomaly through crashes and pauses; repeatable read keeps snapshot
 * isolation, showing write skew (G2-item) that serializability forbids; read committed keeps
 * read committed, showing read skew (G-single-item) that snapshot isolation forbids. Each
 * level's documented guarantees, observed rather than assumed.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runDirOf } from '../helpers/cli.js';

const out = join(repoRoot, 'reports', '.e2e-postgres');
afterAll(() => rmSync(out, { recursive: true, force: true }));
const short = ['--time-limit', '8', '--nemesis-interval', '2', '--recovery-time', '1', '--quiet', '--out', out];
const listAppend = (stderr: string) => JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(stderr)), 'results.json'), 'utf8'))['list-append'];
const anomalies = (stderr: string): string[] => listAppend(stderr).anomalyTypes;

describe('postgres workload', () => {
  it('serializable: valid through kill -9 and pause, on one node by default', async () => {
    const r = await cli(['run', 'postgres', '--seed', '1', '--nemesis', 'kill,pause', ...short]);
    expect(r.stderr).toMatch(/postgres \(serializable\) on 1 local nodes/);
    expect(r.code, r.stderr).toBe(0);
    const dir = resolve(repoRoot, runDirOf(r.stderr));
    const history = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(history.some((o) => o.process === 'nemesis' && o.f === 'kill' && o.type === 'ok')).toBe(true);
    expect(history.filter((o) => o.f === 'txn' && o.type === 'ok').length).toBeGreaterThan(100);
  });

  it('repeatable read: keeps snapshot isolation, its documented model, with write skew (G2-item) only', async () => {
    const r = await cli(['run', 'postgres', '--variant', 'repeatable-read', '--seed', '1', '--nemesis', 'none', ...short]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/list-append: valid\n {4}\d+ transactions against snapshot-isolation: kept; anomalies G2-item; ruled out repeatable-read and what implies them; strongest still consistent /);
    const res = listAppend(r.stderr);
    expect(res.consistencyModel).toBe('snapshot-isolation');
    expect(res.anomalyTypes).toEqual(['G2-item']);
    expect(res.modelsRuledOut).toContain('serializable');
    expect(res.modelsRuledOut).not.toContain('snapshot-isolation');
    // Against serializability, which repeatable read does not promise, the same history fails.
    const again = await cli(['check', runDirOf(r.stderr), '--consistency-model', 'serializable']);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toMatch(/against serializable: violated \(G2-item\)/);
    expect(again.stderr).toMatch(/G2-item ×\d+, e\.g\. G2-item cycle: T\d+ read a version overwritten by T\d+/);
  });

  it('repeatable read under --consistency-model serializable: G2-item, exit 1', async () => {
    const r = await cli(['run', 'postgres', '--variant', 'repeatable-read', '--consistency-model', 'serializable', '--seed', '2', '--nemesis', 'none', ...short]);
    expect(r.code, r.stderr).toBe(1);
    expect(listAppend(r.stderr).forbiddenAnomalyTypes).toEqual(['G2-item']);
    expect(JSON.parse(readFileSync(join(resolve(repoRoot, runDirOf(r.stderr)), 'test.json'), 'utf8')).replay).toMatch(/--consistency-model serializable/);
  });

  it('read committed: keeps read committed, with read skew (G-single-item) that snapshot isolation forbids', async () => {
    const r = await cli(['run', 'postgres', '--variant', 'read-committed', '--seed', '1', '--nemesis', 'none', ...short]);
    expect(r.code, r.stderr).toBe(0);
    expect(anomalies(r.stderr)).toContain('G-single-item');
    expect(listAppend(r.stderr).modelsRuledOut).toContain('snapshot-isolation');
  });

  it('rw-register (--txn): reads and unique writes per key on the registers table', async () => {
    const r = await cli(['run', 'postgres', '--txn', 'rw-register', '--variant', 'repeatable-read', '--seed', '1', '--nemesis', 'none', ...short]);
    expect(r.stderr).toMatch(/rw-register: /);
    const dir = resolve(repoRoot, runDirOf(r.stderr));
    const txns = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.f === 'txn' && o.type === 'ok');
    expect(txns.length).toBeGreaterThan(50);
    const mops = txns.flatMap((t) => t.value as [string, number, number | null][]);
    expect(new Set(mops.map(([f]) => f))).toEqual(new Set(['r', 'w']));
    const writes = mops.filter(([f]) => f === 'w').map(([, k, v]) => `${k}=${v}`);
    expect(new Set(writes).size).toBe(writes.length);
    expect(mops.some(([f, , v]) => f === 'r' && typeof v === 'number')).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')).replay).toMatch(/--txn rw-register/);
  });

  it('refuses more nodes or faults a single server cannot take', async () => {
    const nodes = await cli(['run', 'postgres', '--nodes', '3', ...short]);
    expect(nodes.code).toBe(4);
    expect(nodes.stderr).toMatch(/--nodes: postgres runs on at most 1 node\(s\), got 3; use --nodes 1/);
    const partition = await cli(['run', 'postgres', '--nemesis', 'partition', ...short]);
    expect(partition.stderr).toMatch(/unknown fault "partition" for postgres; available: kill,pause,clock/);
  });
});
