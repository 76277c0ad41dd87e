/**
 * `faultline serve` over a reports tree others can write into: a broken run stays that
 * run's problem, nothing outside the root is served or embedded through a symlink, and a
 * report is never written through one. Real HTTP requests to a real server on 127.0.0.1.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticRun } from '../../bench/report-synthetic.js';
import { serveReports, type ReportServer } from '../../src/report/serve.js';

const tmp = mkdtempSync(join(tmpdir(), 'fl-report-confine-'));
const root = join(tmp, 'reports');
const outside = join(tmp, 'outside');
let srv: ReportServer;
let port: number;

function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const run = (stamp: string) => join(root, 'register', stamp);
const url = (stamp: string, file: string) => `/runs/register/${stamp}/${file}`;

beforeAll(async () => {
  mkdirSync(outside, { recursive: true });
  writeSyntheticRun(run('good'), 50);
  // test.json that parses but whose variant is an object with a broken toString.
  writeSyntheticRun(run('evil-options'), 50);
  writeFileSync(join(run('evil-options'), 'test.json'), '{"startedAt":"2026-11-26T06:00:00.000Z","options":{"variant":{"toString":1},"seed":{"valueOf":2}}}');
  // test.json that does not parse at all.
  writeSyntheticRun(run('garbled'), 50);
  writeFileSync(join(run('garbled'), 'test.json'), '{"options": {');
  // Files that point out of the tree.
  writeFileSync(join(outside, 'secret.log'), 'SECRET-LOG-LINE\n');
  writeFileSync(join(outside, 'secret.json'), '{"valid": true, "secret": "SECRET-JSON"}');
  writeFileSync(join(outside, 'secret.html'), '<p>SECRET-HTML</p>');
  writeSyntheticRun(join(outside, 'tree', 'leaked'), 50);
  writeSyntheticRun(run('links'), 50);
  rmSync(join(run('links'), 'nodes', 'n1.log'));
  symlinkSync(join(outside, 'secret.log'), join(run('links'), 'nodes', 'n1.log'));
  rmSync(join(run('links'), 'results.json'));
  symlinkSync(join(outside, 'secret.json'), join(run('links'), 'results.json'));
  symlinkSync(join(outside, 'secret.html'), join(run('links'), 'report.html'));
  writeSyntheticRun(run('history-out'), 50);
  rmSync(join(run('history-out'), 'history.jsonl'));
  symlinkSync(join(outside, 'tree', 'leaked', 'history.jsonl'), join(run('history-out'), 'history.jsonl'));
  writeSyntheticRun(run('dangling'), 50);
  symlinkSync(join(outside, 'planted.html'), join(run('dangling'), 'report.html'));
  // A whole workload directory, and a run directory, that are links out of the root.
  symlinkSync(join(outside, 'tree'), join(root, 'elsewhere'));
  symlinkSync(join(outside, 'tree', 'leaked'), run('leaked'));
  srv = await serveReports(root, 0);
  port = Number(new URL(srv.url).port);
});
afterAll(async () => {
  await srv?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('faultline serve: each run on its own, nothing outside the root', () => {
  it('lists a run with a malformed test.json with its error, and every other run', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    const rows = r.body.split('<tr>').slice(2);
    const row = (stamp: string) => rows.find((x) => x.includes(`/runs/register/${stamp}/`));
    expect(row('garbled')).toMatch(/error: test\.json: /);
    expect(row('evil-options')).toBeDefined();
    expect(row('good')).toContain('INVALID');
    // The server is still up for everything else, the broken runs included.
    expect((await get(url('good', 'report.html'))).status).toBe(200);
    expect((await get(url('evil-options', 'report.html'))).status).toBe(200);
    expect((await get(url('garbled', 'history.jsonl'))).status).toBe(200);
    expect((await get('/')).status).toBe(200);
  });

  it('does not list or serve runs reached through a symlink out of the root', async () => {
    const r = await get('/');
    expect(r.body).not.toContain('/runs/elsewhere/');
    expect(r.body).not.toContain('/runs/register/leaked/');
    expect((await get('/runs/elsewhere/leaked/test.json')).status).toBe(404);
    expect((await get(url('leaked', 'history.jsonl'))).status).toBe(404);
  });

  it('serves no file that is a symlink out of the root, and embeds none in a report', async () => {
    expect((await get(url('links', 'results.json'))).status).toBe(404);
    expect((await get(url('history-out', 'history.jsonl'))).status).toBe(404);
    const report = await get(url('links', 'report.html'));
    expect(report.status).toBe(200);
    expect(report.body).toMatch(/^<!doctype html>/);
    expect(report.body).not.toContain('SECRET-HTML');
    expect(report.body).not.toContain('SECRET-LOG-LINE');
    expect(report.body).not.toContain('SECRET-JSON');
    // The planted link was replaced by the report; what it pointed to is untouched.
    expect(lstatSync(join(run('links'), 'report.html')).isFile()).toBe(true);
    expect(readFileSync(join(outside, 'secret.html'), 'utf8')).toBe('<p>SECRET-HTML</p>');
    // A history outside the run makes no report of it.
    const h = await get(url('history-out', 'report.html'));
    expect(h.status).not.toBe(200);
    expect(h.body).not.toMatch(/<!doctype html>/);
  });

  it('never writes a report through a dangling symlink', async () => {
    const r = await get(url('dangling', 'report.html'));
    expect(r.status).toBe(200);
    expect(existsSync(join(outside, 'planted.html'))).toBe(false);
    expect(lstatSync(join(run('dangling'), 'report.html')).isFile()).toBe(true);
  });

  it('a file that turns broken while serving gives that request an error, not the server', async () => {
    writeFileSync(join(run('good'), 'test.json'), '[1, 2');
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/error: test\.json: /);
    unlinkSync(join(run('good'), 'test.json'));
    expect((await get(url('good', 'report.html'))).status).toBe(404);
    expect((await get(url('dangling', 'report.html'))).status).toBe(200);
  });
});
