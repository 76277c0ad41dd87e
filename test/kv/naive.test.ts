import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { TestCluster, ensureBuilt } from './helpers.js';

// A fixed, long replication delay makes the anomalies deterministic: nothing replicates
// between an acknowledgement and the next request, which takes a few milliseconds.
const DELAY_MS = 600;

describe('kv naive', () => {
  let c: TestCluster;

  beforeAll(async () => {
    ensureBuilt();
    c = await TestCluster.start('naive', ['--replication-delay-ms', String(DELAY_MS)]);
  });

  afterAll(async () => {
    await c?.destroy();
  });

  const valueOn = async (node: string, key: string): Promise<unknown> => ((await c.read(node, key)).body as { value: unknown }).value;

  it('implements read, write and cas on one node', async () => {
    expect(await c.read('n1', 'basic')).toEqual({ status: 200, body: { ok: true, value: null } });
    expect(await c.write('n1', 'basic', 3)).toEqual({ status: 200, body: { ok: true } });
    expect(await c.read('n1', 'basic')).toEqual({ status: 200, body: { ok: true, value: 3 } });
    expect(await c.cas('n1', 'basic', 3, 4)).toEqual({ status: 200, body: { ok: true } });
    expect(await c.cas('n1', 'basic', 3, 5)).toEqual({
      status: 409,
      body: { ok: false, error: 'cas-mismatch', definite: true },
    });
    expect(await c.read('n1', 'basic')).toEqual({ status: 200, body: { ok: true, value: 4 } });
    expect((await c.request('n1', '/write', { key: 'basic', value: 'x' })).status).toBe(400);
    const h = await fetch(`${c.url('n3')}/health`);
    expect(await h.json()).toMatchObject({ ok: true, id: 'n3', variant: 'naive' });
  });

  it('serves a stale read on another node right after an acknowledged write', async () => {
    expect((await c.write('n1', 'stale', 1)).status).toBe(200);
    // n1 acknowledged the write, yet n2 still answers the old value: not linearizable.
    expect(await c.read('n2', 'stale')).toEqual({ status: 200, body: { ok: true, value: null } });
    await waitFor(async () => (await valueOn('n2', 'stale')) === 1, 'replication to n2', 3000);
    expect(await valueOn('n3', 'stale')).toBe(1);
  });

  it('lets cas succeed twice from the same value, then drops one acknowledged result', async () => {
    expect((await c.write('n1', 'lost', 0)).status).toBe(200);
    for (const n of ['n2', 'n3']) await waitFor(async () => (await valueOn(n, 'lost')) === 0, `0 on ${n}`, 3000);

    expect(await c.cas('n1', 'lost', 0, 1)).toEqual({ status: 200, body: { ok: true } });
    expect(await c.cas('n2', 'lost', 0, 2)).toEqual({ status: 200, body: { ok: true } });

    // Replicas converge on one of the two by last-writer-wins; the other ok'd cas vanished.
    await waitFor(
      async () => {
        const vs = await Promise.all(['n1', 'n2', 'n3'].map((n) => valueOn(n, 'lost')));
        return vs.every((v) => v === vs[0]);
      },
      'convergence',
      3000,
    );
    const final = await valueOn('n3', 'lost');
    expect([1, 2]).toContain(final);
  });
});
