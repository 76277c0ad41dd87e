/** `faultline serve`: lists runs, serves reports (making a missing one), and nothing else. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveReports, type ReportServer } from '../../src/report/serve.js';
import { cli } from '../helpers/cli.js';
import { writeSyntheticRun } from '../../bench/report-synthetic.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-report-serve-'));
let srv: ReportServer;
let port: number;

function get(path: string, host?: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  writeSyntheticRun(join(tmp, 'reports', 'register', '20261126T070000.000Z'), 200, { evilKey: true });
  // A run that was never checked: no results.json.
  const unchecked = join(tmp, 'reports', 'register', '20261126T080000.000Z');
  writeSyntheticRun(unchecked, 50);
  rmSync(join(unchecked, 'results.json'));
  // Not runs: a stray file and a directory without test.json.
  mkdirSync(join(tmp, 'reports', 'etcd', 'junk'), { recursive: true });
  writeFileSync(join(tmp, 'reports', 'notes.txt'), 'x');
  writeFileSync(join(tmp, 'secret.txt'), 'secret');
  srv = await serveReports(join(tmp, 'reports'), 0);
  port = Number(new URL(srv.url).port);
});
afterAll(async () => {
  await srv?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('faultline serve', () => {
  it('listens on loopback only', () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((srv.server.address() as { address: string }).address).toBe('127.0.0.1');
  });

  it('lists runs newest first with workload, time, verdict and seed', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.type).toContain('text/html');
    const rows = r.body.split('<tr>').slice(2);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('not checked');
    expect(rows[1]).toContain('INVALID');
    expect(rows[1]).toContain('register');
    expect(rows[1]).toContain('2026-11-26T07:00:00.000Z');
    expect(rows[1]).toContain('<code>42</code>');
    expect(rows[1]).toContain('href="/runs/register/20261126T070000.000Z/report.html"');
    expect(r.body.includes('<script')).toBe(false);
  });

  it('serves a report, writing it first when the run has none', async () => {
    const dir = join(tmp, 'reports', 'register', '20261126T080000.000Z');
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
    const r = await get('/runs/register/20261126T080000.000Z/report.html');
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^<!doctype html>/);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    const h = await get('/runs/register/20261126T070000.000Z/history.jsonl');
    expect(h.type).toContain('text/plain');
  });

  it('reaches nothing outside the listed runs', async () => {
    for (const p of ['/runs/register/20261126T070000.000Z/faultline.log', '/runs/..%2F..%2F/x/secret.txt', '/runs/register/..%2F..%2Fsecret.txt/report.html', '/secret.txt', '/runs/etcd/junk/report.html']) {
      expect((await get(p)).status, p).toBe(404);
    }
  });

  it('refuses another Host (DNS rebinding)', async () => {
    expect((await get('/', 'evil.example:80')).status).toBe(421);
  });

  it('rejects a bad port with one line', async () => {
    const r = await cli(['serve', '--port', 'x', tmp]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim()).toMatch(/^faultline: --port must be an integer/);
  });
});
