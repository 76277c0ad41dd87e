// feed: an append-only list store (activity feeds). The first node in --nodes is the
// primary: it owns the lists, appends to an fsynced log, and copies every change to the
// other nodes before answering (waiting up to 1 s for each; a replica that does not answer
// in time is skipped), one change to a list at a time so that replicas see them in order.
// The other nodes are API nodes: they forward requests to the primary.
//
// Flags, each one a shortcut its author took:
//   --append-by-put    API nodes append by reading the list from the primary and writing
//                      it back with the new element (the primary's PUT replaces a list)
//   --retry-forward    API nodes give the primary 500 ms, then try again (three tries in
//                      all), so a slow primary does not surface as an error
//
//   node server.mjs --id n2 --nodes n1=10.0.0.1:7000,... --port 7000 --data DIR [flags]
//
//   GET  /lists/:key              200 {"values": [...]}, 404 when absent
//   POST /lists/:key {"value"}    204: appended
//   PUT  /lists/:key {"values"}   204: replaced
//   503  the primary could not be reached: not applied
//   504  the primary did not answer in time: may have been applied
//   GET  /health                  200
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
    'append-by-put': { type: 'boolean' },
    'retry-forward': { type: 'boolean' },
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

function call(node, method, url, body, timeoutMs) {
  return new Promise((resolve) => {
    let connected = false;
    const r = http.request({ host: node.host, port: node.port, method, path: url, headers: { 'content-type': 'application/json' }, timeout: timeoutMs }, (res) => {
      let raw = '';
      res.on('data', (d) => (raw += d));
      res.on('end', () => resolve([res.statusCode, raw ? JSON.parse(raw) : null]));
    });
    // A kept-alive socket is connected already; a new one once it connects.
    r.on('socket', (s) => (s.connecting ? s.once('connect', () => (connected = true)) : (connected = true)));
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', () => resolve(connected ? [504, { error: 'primary did not answer' }] : [503, { error: 'primary unreachable' }]));
    r.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

// ---------------------------------------------------------------- the primary

const lists = new Map();
/** A replica's copy, kept for failover by hand. */
const copy = new Map();
let logFd;
if (isPrimary) {
  fs.mkdirSync(opt.data, { recursive: true });
  const file = path.join(opt.data, 'log.jsonl');
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      try {
        const { key, values } = JSON.parse(line);
        lists.set(key, values);
      } catch {
        // torn last line
      }
    }
  }
  logFd = fs.openSync(file, 'a');
}

async function save(key, values) {
  fs.writeSync(logFd, JSON.stringify({ key, values }) + '\n');
  fs.fsyncSync(logFd);
  lists.set(key, values);
  await Promise.all(replicas.map((r) => call(r, 'POST', '/copy', { key, values }, 1000)));
}

/** Changes to one list are applied one at a time, so every replica sees them in order. */
const queues = new Map();
function inOrder(key, fn) {
  const p = (queues.get(key) ?? Promise.resolve()).then(fn);
  const tail = p.catch(() => {});
  queues.set(key, tail);
  tail.then(() => queues.get(key) === tail && queues.delete(key));
  return p;
}

async function onPrimary(method, key, body) {
  if (method === 'GET') return lists.has(key) ? [200, { values: lists.get(key) }] : [404, {}];
  if (method === 'POST') {
    return inOrder(key, async () => {
      await save(key, [...(lists.get(key) ?? []), body.value]);
      return [204, null];
    });
  }
  if (method === 'PUT') {
    return inOrder(key, async () => {
      await save(key, body.values);
      return [204, null];
    });
  }
  return [405, { error: 'method not allowed' }];
}

// ---------------------------------------------------------------- API nodes

async function forward(method, url, body) {
  if (!opt['retry-forward']) return call(primary, method, url, body, 2500);
  let answer;
  for (let attempt = 0; attempt < 3; attempt++) {
    answer = await call(primary, method, url, body, 500);
    if (answer[0] < 500) return answer;
  }
  return answer;
}

async function onApiNode(method, key, body) {
  const url = `/lists/${encodeURIComponent(key)}`;
  if (method === 'POST' && opt['append-by-put']) {
    const [status, current] = await forward('GET', url);
    if (status !== 200 && status !== 404) return [status, current];
    return forward('PUT', url, { values: [...(status === 200 ? current.values : []), body.value] });
  }
  return forward(method, url, method === 'GET' ? undefined : body);
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
      if (req.url === '/copy') {
        copy.set(body.key, body.values);
        return send([204, null]);
      }
      const m = /^\/lists\/([^/]+)$/.exec(req.url ?? '');
      if (!m) return send([404, { error: 'no such route' }]);
      const key = decodeURIComponent(m[1]);
      send(await (isPrimary ? onPrimary : onApiNode)(req.method, key, body));
    });
  })
  .listen(Number(opt.port), '0.0.0.0', () => console.log(`${opt.id} listening on ${opt.port} (${isPrimary ? 'primary' : 'api node'})`));
process.on('SIGTERM', () => process.exit(0));
