import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../src/clients/http-transport.js';
import { waitFor } from '../helpers/wait.js';
import { TestCluster, ensureBuilt } from './helpers.js';

describe('kv careful', () => {
  let c: TestCluster;

  beforeAll(async () => {
    ensureBuilt();
    c = await TestCluster.start('careful');
  });

  afterAll(async () => {
    await c?.destroy();
  });

  it('answers health with id, variant and role', async () => {
    const r = await c.request('n2', '/health', undefined);
    expect(r.status).toBe(405); // POST is not allowed on /health
    const h = await fetch(`${c.url('n2')}/health`);
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ ok: true, id: 'n2', variant: 'careful', role: 'forwarder', primary: 'n1', now: expect.any(Number) });
  });

  it('implements read, write and cas', async () => {
    expect(await c.read('n1', 'basic')).toEqual({ status: 200, body: { ok: true, value: null } });
    expect(await c.write('n1', 'basic', 3)).toEqual({ status: 200, body: { ok: true } });
    expect(await c.read('n1', 'basic')).toEqual({ status: 200, body: { ok: true, value: 3 } });
    expect(await c.cas('n1', 'basic', 3, 4)).toEqual({ status: 200, body: { ok: true } });
    expect(await c.cas('n1', 'basic', 3, 5)).toEqual({
      status: 409,
      body: { ok: false, error: 'cas-mismatch', definite: true },
    });
    expect(await c.read('n1', 'basic')).toEqual({ status: 200, body: { ok: true, value: 4 } });
    // null is a value like any other, and an absent key reads as null.
    expect((await c.cas('n1', 'fresh', null, 1)).status).toBe(200);
    expect(await c.write('n1', 'fresh', null)).toEqual({ status: 200, body: { ok: true } });
    expect(await c.read('n1', 'fresh')).toEqual({ status: 200, body: { ok: true, value: null } });
  });

  it('rejects malformed requests with 400 definite', async () => {
    const bad = [
      ['/write', { key: 'k' }],
      ['/write', { key: 'k', value: 1.5 }],
      ['/write', { key: '', value: 1 }],
      ['/cas', { key: 'k', from: 1 }],
      ['/read', [1, 2]],
    ] as const;
    for (const [p, body] of bad) {
      const r = await c.request('n2', p, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toMatchObject({ ok: false, definite: true });
      expect(String((r.body as { error: unknown }).error)).toMatch(/^bad-request: /);
    }
    const notJson = await fetch(`${c.url('n1')}/write`, { method: 'POST', body: '{"key":' });
    expect(notJson.status).toBe(400);
    expect((await c.request('n1', '/nope', {})).status).toBe(404);
  });

  it('makes a write via n2 visible via n3 immediately', async () => {
    for (let i = 0; i < 20; i++) {
      expect((await c.write('n2', 'rw', i)).status).toBe(200);
      expect(await c.read('n3', 'rw')).toEqual({ status: 200, body: { ok: true, value: i } });
    }
    expect((await c.cas('n3', 'rw', 19, 100)).status).toBe(200);
    expect((await c.cas('n2', 'rw', 19, 101)).status).toBe(409);
  });

  it('loses no cas increments under concurrency across nodes', async () => {
    await c.write('n1', 'ctr', 0);
    const worker = async (node: string, times: number): Promise<void> => {
      for (let done = 0; done < times; ) {
        const r = await c.read(node, 'ctr');
        const v = (r.body as { value: number }).value;
        if ((await c.cas(node, 'ctr', v, v + 1)).status === 200) done++;
      }
    };
    await Promise.all([worker('n1', 10), worker('n2', 10), worker('n3', 10)]);
    expect(await c.read('n2', 'ctr')).toEqual({ status: 200, body: { ok: true, value: 30 } });
  });

  it('keeps acknowledged writes across kill -9 and restart of the primary', async () => {
    for (let i = 0; i < 10; i++) expect((await c.write('n2', `dur${i}`, i)).status).toBe(200);
    expect((await c.cas('n3', 'dur0', 0, 42)).status).toBe(200);
    await c.signal('n1', 'SIGKILL');
    await c.startNode('n1');
    expect(c.node('n1').output).toMatch(/replayed \d+ log entries/);
    expect(await c.read('n3', 'dur0')).toEqual({ status: 200, body: { ok: true, value: 42 } });
    for (let i = 1; i < 10; i++) expect(await c.read('n2', `dur${i}`)).toEqual({ status: 200, body: { ok: true, value: i } });
  });

  it('replays a log whose last line was torn by a crash', async () => {
    await c.write('n1', 'torn', 7);
    await c.signal('n1', 'SIGKILL');
    // Simulate kill -9 in the middle of an append: a partial, never-acknowledged entry.
    fs.appendFileSync(path.join(c.node('n1').dataDir, 'kv.log'), '{"k":"torn","v":8');
    await c.startNode('n1');
    expect(c.node('n1').output).toMatch(/cut a torn last line of 17 bytes/);
    expect(await c.read('n2', 'torn')).toEqual({ status: 200, body: { ok: true, value: 7 } });
    expect((await c.write('n2', 'torn', 9)).status).toBe(200);
    await c.signal('n1', 'SIGKILL');
    await c.startNode('n1');
    expect(await c.read('n3', 'torn')).toEqual({ status: 200, body: { ok: true, value: 9 } });
  });

  it('answers 503 unavailable, definite, when the primary is down', async () => {
    await c.signal('n1', 'SIGKILL');
    try {
      for (const node of ['n2', 'n3']) {
        expect(await c.write(node, 'down', 1)).toEqual({
          status: 503,
          body: { ok: false, error: 'unavailable', definite: true },
        });
        expect((await c.read(node, 'down')).body).toMatchObject({ error: 'unavailable', definite: true });
      }
    } finally {
      await c.startNode('n1');
    }
    // Definite really meant "did not happen".
    expect(await c.read('n2', 'down')).toEqual({ status: 200, body: { ok: true, value: null } });
  });

  it('answers 503 timeout, indefinite, when the primary is paused, and the op may still happen', async () => {
    await c.write('n1', 'paused', 1);
    await c.signal('n1', 'SIGSTOP');
    let r: HttpResponse | undefined;
    try {
      // n2 must answer before a harness client gives up: with that client's deadline the
      // request itself fails (code 'timeout') if n2 waits longer.
      r = await c.request('n2', '/write', { key: 'paused', value: 2 }, 2000);
    } finally {
      await c.signal('n1', 'SIGCONT');
    }
    expect(r).toEqual({ status: 503, body: { ok: false, error: 'timeout', definite: false } });
    // The request reached the paused primary's socket; once resumed it applies it. This is
    // exactly why the forwarder could not say "fail".
    await waitFor(async () => ((await c.read('n3', 'paused')).body as { value?: unknown }).value === 2, 'the resumed primary to apply the forwarded write', 5000);
    expect(await c.read('n3', 'paused')).toEqual({ status: 200, body: { ok: true, value: 2 } });
  });

  it('exits 0 on SIGTERM', async () => {
    const proc = c.node('n3').proc;
    await c.signal('n3', 'SIGTERM');
    expect(proc?.exitCode).toBe(0);
    expect(c.node('n3').output).toMatch(/SIGTERM: shutting down/);
    await c.startNode('n3');
  });
});
