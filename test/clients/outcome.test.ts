/**
 * The one set of outcome rules (src/clients/outcome.ts), and the HTTP clients that use it
 * against a real server on loopback: for the same answer they record the same outcome.
 */
import http from 'node:http';
import net from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, ClientOp } from '../../src/clients/client.js';
import { EtcdClient } from '../../src/clients/etcd.js';
import { GossipHttpClient } from '../../src/clients/gossip-http.js';
import { httpJsonClient } from '../../src/clients/http-json.js';
import { ERRORS, failure, httpFailure, notSent, outcome, requestFailure, unknownOp } from '../../src/clients/outcome.js';
import { RegisterHttpClient } from '../../src/clients/register-http.js';
import { TwopcHttpClient } from '../../src/clients/twopc-http.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import type { TestRuntime } from '../../src/cluster/test-runtime.js';
import type { TestOptions } from '../../src/core/test.js';

describe('the rules', () => {
  it('definite or read-only is fail; anything else is info', () => {
    expect([outcome(true), outcome(true, true), outcome(false, true), outcome(false)]).toEqual(['fail', 'fail', 'fail', 'info']);
  });

  it('every error kind says whether it is definite', () => {
    const definite = Object.entries(ERRORS)
      .filter(([, e]) => e.definite)
      .map(([k]) => k);
    expect(definite.sort()).toEqual(['connect', 'not-sent', 'refused', 'unknown-op']);
  });

  it('HTTP: a 4xx or the server’s definite flag is a refusal; a 5xx is not', () => {
    expect(httpFailure(404, 1, 'e', false).type).toBe('fail');
    expect(httpFailure(409, 1, 'e', false).type).toBe('fail');
    expect(httpFailure(500, 1, 'e', false).type).toBe('info');
    expect(httpFailure(503, 1, 'e', false, true).type).toBe('fail');
    expect(httpFailure(503, 1, 'e', true).type).toBe('fail');
  });

  it('the usual results, word for word', () => {
    expect(notSent(7)).toEqual({ type: 'fail', value: 7, error: 'not sent: aborted' });
    expect(notSent(7, 'the connection closed')).toEqual({ type: 'fail', value: 7, error: 'not sent: the connection closed' });
    expect(unknownOp({ f: 'frob', value: 1, process: 0 })).toEqual({ type: 'fail', value: 1, error: 'unknown f frob' });
    expect(failure('no-answer', 1, 'gone', false)).toEqual({ type: 'info', value: 1, error: 'gone' });
    expect(requestFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 1, false)).toEqual({ type: 'fail', value: 1, error: 'connect: refused' });
    expect(requestFailure(new Error('socket hang up'), 1, false)).toEqual({ type: 'info', value: 1, error: 'reset: socket hang up' });
  });
});

/** What the server answers next: a status and whether its body says `definite`. */
let answer = { status: 200, definite: false };
let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: false, error: 'nope', message: 'nope', definite: answer.definite }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const test = (): TestRuntime => ({
  runId: 't',
  runDir: '/tmp',
  options: { opTimeoutMs: 1000 } as TestOptions,
  cluster: { nodes: ['n1'], address: () => ({ host: '127.0.0.1', port }) } as unknown as Cluster,
  log: pino({ level: 'silent' }),
  now: () => 0,
});

/** Each client with a read and a write op it sends. */
const clients: { name: string; client: Client; read: ClientOp; write: ClientOp; readsFlag: boolean }[] = [
  { name: 'register-http', client: new RegisterHttpClient(), read: { f: 'read', value: ['k', null], process: 0 }, write: { f: 'write', value: ['k', 1], process: 0 }, readsFlag: true },
  { name: 'gossip-http', client: new GossipHttpClient({ type: 'set' }), read: { f: 'read', value: null, process: 0 }, write: { f: 'add', value: 1, process: 0 }, readsFlag: true },
  { name: 'twopc-http', client: new TwopcHttpClient(), read: { f: 'read', value: null, process: 0 }, write: { f: 'transfer', value: { id: 1, from: 'a', to: 'b', amount: 1 }, process: 0 }, readsFlag: true },
  { name: 'etcd', client: new EtcdClient(), read: { f: 'read', value: ['k', null], process: 0 }, write: { f: 'write', value: ['k', 1], process: 0 }, readsFlag: false },
  {
    name: 'http-json',
    client: httpJsonClient({ operations: { read: { path: '/r' }, write: { path: '/w', body: () => ({}) } } }),
    read: { f: 'read', value: null, process: 0 },
    write: { f: 'write', value: 1, process: 0 },
    readsFlag: false,
  },
];

describe('the HTTP clients record the same outcome for the same answer', () => {
  const cases = [
    { status: 400, definite: false, write: 'fail' },
    { status: 404, definite: false, write: 'fail' },
    { status: 409, definite: false, write: 'fail' },
    { status: 500, definite: false, write: 'info' },
    { status: 503, definite: false, write: 'info' },
    { status: 503, definite: true, write: 'fail' },
  ] as const;
  for (const c of clients) {
    it(c.name, async () => {
      const t = test();
      const open = await c.client.open(t, 'n1');
      const seen: unknown[] = [];
      const want: unknown[] = [];
      for (const k of cases) {
        answer = { status: k.status, definite: k.definite };
        const read = await open.invoke(t, c.read, new AbortController().signal);
        const write = await open.invoke(t, c.write, new AbortController().signal);
        seen.push([k.status, k.definite, read.type, write.type]);
        // A client that does not read the built-in services' flag sees a 503 as a server error.
        want.push([k.status, k.definite, 'fail', k.definite && !c.readsFlag ? 'info' : k.write]);
      }
      expect(seen).toEqual(want);
      const aborted = AbortSignal.abort();
      expect(await open.invoke(t, c.write, aborted)).toMatchObject({ type: 'fail', error: 'not sent: aborted' });
    });
  }
});
