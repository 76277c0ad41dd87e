import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HttpRequestError, classifyTransportError, httpRequest } from '../../src/clients/http-transport.js';
import { ERRORS } from '../../src/clients/outcome.js';
import { freePort } from './helpers.js';

const agent = new http.Agent({ keepAlive: true });
const servers: net.Server[] = [];

async function listen(server: net.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (typeof addr !== 'object' || addr === null) throw new Error('no address');
  return `http://127.0.0.1:${addr.port}`;
}

async function failure(p: Promise<unknown>): Promise<HttpRequestError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(HttpRequestError);
    return e as HttpRequestError;
  }
  throw new Error('expected the request to fail');
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    if (s instanceof http.Server) s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

afterAll(() => agent.destroy());

describe('httpRequest', () => {
  it('returns status and parsed JSON for any HTTP status', async () => {
    const url = await listen(
      http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          res.writeHead(409, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ echo: JSON.parse(body) as unknown, path: req.url }));
        });
      }),
    );
    const r = await httpRequest(url, '/cas', { key: 'k' }, { timeoutMs: 1000, agent });
    expect(r).toEqual({ status: 409, body: { echo: { key: 'k' }, path: '/cas' } });
  });

  it("classifies a refused connection as 'connect' (definite)", async () => {
    const port = await freePort();
    const e = await failure(httpRequest(`http://127.0.0.1:${port}`, '/read', {}, { timeoutMs: 1000, agent }));
    expect(e.code).toBe('connect');
    expect(e.sysCode).toBe('ECONNREFUSED');
    expect(ERRORS[classifyTransportError(e)].definite).toBe(true);
  });

  it("classifies a connect timeout as 'connect' (definite)", async () => {
    // A name lookup that never finishes keeps the socket in its connecting state forever,
    // like SYNs into a partition, but deterministically and without leaving the host (some
    // sandboxes answer for any routed or unrouted address).
    const stuck = new http.Agent({ lookup: () => undefined });
    try {
      const e = await failure(httpRequest('http://stuck.invalid:81', '/read', {}, { timeoutMs: 2000, connectTimeoutMs: 200, agent: stuck }));
      expect(e.code).toBe('connect');
      // The connect deadline gave up, not the overall one ("could not connect … within 2000 ms").
      expect(e.message).toBe('connect to stuck.invalid:81 timed out after 200 ms');
      expect(ERRORS[classifyTransportError(e)].definite).toBe(true);
    } finally {
      stuck.destroy();
    }
  });

  it("classifies a server that accepts but never answers as 'timeout' (indefinite)", async () => {
    const url = await listen(http.createServer(() => undefined));
    const e = await failure(httpRequest(url, '/write', { key: 'k', value: 1 }, { timeoutMs: 200, agent }));
    expect(e.code).toBe('timeout');
    expect(ERRORS[classifyTransportError(e)].definite).toBe(false);
  });

  it("classifies a connection dropped after sending as 'reset' (indefinite)", async () => {
    const url = await listen(net.createServer((sock) => sock.once('data', () => sock.destroy())));
    const e = await failure(httpRequest(url, '/write', { key: 'k', value: 1 }, { timeoutMs: 1000, agent }));
    expect(e.code).toBe('reset');
    expect(ERRORS[classifyTransportError(e)].definite).toBe(false);
  });

  it("classifies a non-JSON answer as 'bad-response' (indefinite)", async () => {
    const url = await listen(http.createServer((_req, res) => res.end('<html>')));
    const e = await failure(httpRequest(url, '/read', {}, { timeoutMs: 1000, agent }));
    expect(e.code).toBe('bad-response');
    expect(ERRORS[classifyTransportError(e)].definite).toBe(false);
  });

  it('classifies raw errno errors conservatively', () => {
    expect(classifyTransportError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('connect');
    expect(classifyTransportError(Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }))).toBe('connect');
    expect(classifyTransportError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('reset');
    expect(classifyTransportError(new Error('who knows'))).toBe('reset');
  });
});
