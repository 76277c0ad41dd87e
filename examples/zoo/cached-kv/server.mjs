// cached-kv: a primary/replica key-value store. The first node in --nodes is the primary:
// it owns the data, keeps it in an fsynced append-only log and streams every change to
// the replicas (asynchronously, best effort: replicas are warm standbys). Replicas forward
// every request to the primary. Three "optimisations" can be switched on, one at a time:
//
//   --read-cache     replicas cache what they read from the primary; the primary tells
//                    them to drop a key when it changes (one message, not retried).
//   --replica-reads  replicas answer reads from their own copy of the replication stream.
//   --write-behind   the primary acknowledges a write once it is in memory and appends
//                    the log in batches every 500 ms.
//
//   node server.mjs --id n2 --nodes n1=10.0.0.1:7000,n2=10.0.0.2:7000 --port 7000 --data DIR [flags]
//
//   GET  /kv/:key                          200 {"value": v}, 404 when absent
//   PUT  /kv/:key {"value"}                204
//   POST /kv/:key/cas {"expect", "value"}  204, or 412 when the current value differs
//   GET  /health                           200
//   503 the primary could not be reached: the request was not applied (safe to retry)
//   504 the primary did not answer in time: the request may or may not have been applied
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    id: { type: 'string' },
    nodes: { type: 'string' },
    port: { type: 'string' },
    data: { type: 'string' },
    'read-cache': { type: 'boolean' },
    'replica-reads': { type: 'boolean' },
    'write-behind': { type: 'boolean' },
  },
});
const nodes = opt.nodes.split(',').map((e) => {
  const [name, addr] = e.split('=');
  const [host, port] = addr.split(':');
  return { name, host, port: Number(port) };
});
const primary = nodes[0];
const isPrimary = opt.id === primary.name;
const replicas = nodes.filter((n) => n.name !== primary.name);

/** key -> { value, seq }: the primary's data, or a replica's copy of it. */
const data = new Map();
let seq = 0;

// ---------------------------------------------------------------- HTTP between nodes

function call(node, method, url, body, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const r = http.request({ host: node.host, port: node.port, method, path: url, headers: { 'content-type': 'application/json' }, timeout: timeoutMs }, (res) => {
      let raw = '';
      res.on('data', (d) => (raw += d));
      res.on('end', () => resolve([res.statusCode, raw ? JSON.parse(raw) : null]));
    });
    // Never connected: the request was not delivered, so it did not happen (503). Connected,
    // then no answer: it may have happened (504).
    let connected = false;
    // A kept-alive socket is connected already; a new one once it connects.
    r.on('socket', (s) => (s.connecting ? s.once('connect', () => (connected = true)) : (connected = true)));
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', () => resolve(connected ? [504, { error: `no answer from ${node.name}` }] : [503, { error: `${node.name} unreachable` }]));
    r.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

// ---------------------------------------------------------------- the primary's log

let logFd;
let pending = [];
if (isPrimary) {
  fs.mkdirSync(opt.data, { recursive: true });
  const file = path.join(opt.data, 'log.jsonl');
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      try {
        const e = JSON.parse(line);
        data.set(e.key, { value: e.value, seq: e.seq });
        seq = Math.max(seq, e.seq);
      } catch {
        // a torn last line: never acknowledged
      }
    }
  }
  logFd = fs.openSync(file, 'a');
  if (opt['write-behind']) {
    setInterval(() => {
      if (pending.length === 0) return;
      fs.writeSync(logFd, pending.join(''));
      fs.fsyncSync(logFd);
      pending = [];
    }, 500);
  }
}

function apply(key, value) {
  const entry = { key, value, seq: ++seq };
  const line = JSON.stringify(entry) + '\n';
  if (opt['write-behind']) pending.push(line);
  else {
    fs.writeSync(logFd, line);
    fs.fsyncSync(logFd);
  }
  data.set(key, { value, seq: entry.seq });
  for (const r of replicas) {
    call(r, 'POST', '/replicate', entry);
    if (opt['read-cache']) call(r, 'POST', '/invalidate', { key });
  }
}

function execute(method, key, isCas, body) {
  if (method === 'GET') return data.has(key) ? [200, { value: data.get(key).value }] : [404, {}];
  if (method === 'PUT' && !isCas) {
    apply(key, body.value);
    return [204, null];
  }
  if (method === 'POST' && isCas) {
    const current = data.has(key) ? data.get(key).value : null;
    if (current !== body.expect) return [412, { error: 'precondition failed', current }];
    apply(key, body.value);
    return [204, null];
  }
  return [405, { error: 'method not allowed' }];
}

// ---------------------------------------------------------------- replicas

const cache = new Map();

async function onReplica(method, key, isCas, body) {
  if (method === 'GET' && opt['replica-reads']) return data.has(key) ? [200, { value: data.get(key).value }] : [404, {}];
  if (method === 'GET' && opt['read-cache'] && cache.has(key)) return [200, { value: cache.get(key) }];
  const url = `/kv/${encodeURIComponent(key)}${isCas ? '/cas' : ''}`;
  const answer = await call(primary, method, url, method === 'GET' ? undefined : body, 2000);
  if (opt['read-cache']) {
    if (method === 'GET' && answer[0] === 200) cache.set(key, answer[1].value);
    else if (method !== 'GET') cache.delete(key);
  }
  return answer;
}

// ---------------------------------------------------------------- server

http
  .createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', async () => {
      const send = ([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body === null ? undefined : JSON.stringify(body));
      };
      const body = raw ? JSON.parse(raw) : {};
      if (req.url === '/health') return send([200, { ok: true }]);
      if (req.url === '/replicate' && !isPrimary) {
        if ((data.get(body.key)?.seq ?? 0) < body.seq) data.set(body.key, { value: body.value, seq: body.seq });
        return send([204, null]);
      }
      if (req.url === '/invalidate' && !isPrimary) {
        cache.delete(body.key);
        return send([204, null]);
      }
      const m = /^\/kv\/([^/]+)(\/cas)?$/.exec(req.url ?? '');
      if (!m) return send([404, { error: 'no such route' }]);
      const key = decodeURIComponent(m[1]);
      if (isPrimary) return send(execute(req.method, key, Boolean(m[2]), body));
      send(await onReplica(req.method, key, Boolean(m[2]), body));
    });
  })
  .listen(Number(opt.port), '0.0.0.0', () => console.log(`${opt.id} listening on ${opt.port} (${isPrimary ? 'primary' : 'replica'})`));
process.on('SIGTERM', () => process.exit(0));
