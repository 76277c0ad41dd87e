// quorum-kv: a leaderless replicated register store (the ABD algorithm, as in Dynamo-style
// stores with R + W > N). Any node coordinates a request. Every node persists the newest
// version it has seen of each key; versions are [counter, node] pairs.
//
//  - write: ask a majority for their versions of the key, take counter = highest + 1,
//    store the value on a majority.
//  - read: ask a majority, take the newest version, store it back on a majority (so no
//    later read can see an older one), return it.
//
// Flag:
//   --wall-clock  versions are stamped with the coordinator's clock (Date.now()) instead of
//                 being read from a majority first: one round trip per write instead of
//                 two, last writer wins, "clocks are synchronised by NTP anyway"
//
//   node server.mjs --id n2 --nodes n1=10.0.0.1:7000,... --port 7000 --data DIR [--wall-clock]
//
//   GET /kv/:key              200 {"value": v}, 404 when absent
//   PUT /kv/:key {"value"}    204
//   503                       fewer than a majority answered: not applied
//   504                       a majority was not reached in time after storing began: may have been applied
//   GET /health               200
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
    'wall-clock': { type: 'boolean' },
  },
});
const nodes = opt.nodes.split(',').map((e) => {
  const [name, addr] = e.split('=');
  const [host, port] = addr.split(':');
  return { name, host, port: Number(port) };
});
const me = opt.id;
const majority = Math.floor(nodes.length / 2) + 1;

// ---------------------------------------------------------------- this node's replica

/** key -> { value, ver: [counter, node] } */
const replica = new Map();
const newer = (a, b) => !b || a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
fs.mkdirSync(opt.data, { recursive: true });
const file = path.join(opt.data, 'replica.jsonl');
if (fs.existsSync(file)) {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    try {
      const { key, value, ver } = JSON.parse(line);
      if (newer(ver, replica.get(key)?.ver)) replica.set(key, { value, ver });
    } catch {
      // torn last line
    }
  }
}
const fd = fs.openSync(file, 'a');

function store(key, value, ver) {
  if (!newer(ver, replica.get(key)?.ver)) return;
  fs.writeSync(fd, JSON.stringify({ key, value, ver }) + '\n');
  fs.fsyncSync(fd);
  replica.set(key, { value, ver });
}

// ---------------------------------------------------------------- quorum calls

function call(node, method, url, body) {
  if (node.name === me) {
    // This node is one of the replicas too.
    if (method === 'GET') return Promise.resolve({ ok: true, body: replica.get(decodeURIComponent(url.split('/').pop())) ?? null });
    store(body.key, body.value, body.ver);
    return Promise.resolve({ ok: true, body: null });
  }
  return new Promise((resolve) => {
    const r = http.request({ host: node.host, port: node.port, method, path: url, headers: { 'content-type': 'application/json' }, timeout: 1000 }, (res) => {
      let raw = '';
      res.on('data', (d) => (raw += d));
      res.on('end', () => resolve({ ok: res.statusCode === 200, body: raw ? JSON.parse(raw) : null }));
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', () => resolve({ ok: false }));
    r.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Resolves with a majority's answers, or null when a majority cannot answer. */
function quorum(method, url, body) {
  return new Promise((resolve) => {
    const answers = [];
    let failed = 0;
    for (const n of nodes) {
      call(n, method, url, body).then((r) => {
        if (r.ok) answers.push(r.body);
        else failed++;
        if (answers.length === majority) resolve(answers);
        else if (failed === nodes.length - majority + 1) resolve(null);
      });
    }
  });
}

const newest = (answers) => answers.reduce((best, a) => (a && newer(a.ver, best?.ver) ? a : best), null);

async function read(key) {
  const answers = await quorum('GET', `/replica/${encodeURIComponent(key)}`);
  if (!answers) return [503, { error: 'no majority' }];
  const latest = newest(answers);
  if (latest === null) return [404, {}];
  if (!(await quorum('POST', '/replica', { key, ...latest }))) return [503, { error: 'no majority' }];
  return [200, { value: latest.value }];
}

async function write(key, value) {
  let ver;
  if (opt['wall-clock']) ver = [Date.now(), me];
  else {
    const answers = await quorum('GET', `/replica/${encodeURIComponent(key)}`);
    if (!answers) return [503, { error: 'no majority' }];
    ver = [(newest(answers)?.ver[0] ?? 0) + 1, me];
  }
  if (!(await quorum('POST', '/replica', { key, value, ver }))) return [504, { error: 'no majority' }];
  return [204, null];
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
      const url = req.url ?? '';
      if (url === '/health') return send([200, { ok: true }]);
      if (url === '/replica' && req.method === 'POST') {
        store(body.key, body.value, body.ver);
        return send([200, null]);
      }
      let m = /^\/replica\/([^/]+)$/.exec(url);
      if (m) return send([200, replica.get(decodeURIComponent(m[1])) ?? null]);
      m = /^\/kv\/([^/]+)$/.exec(url);
      if (!m) return send([404, { error: 'no such route' }]);
      const key = decodeURIComponent(m[1]);
      if (req.method === 'GET') return send(await read(key));
      if (req.method === 'PUT') return send(await write(key, body.value));
      send([405, { error: 'method not allowed' }]);
    });
  })
  .listen(Number(opt.port), '0.0.0.0', () => console.log(`${me} listening on ${opt.port}`));
process.on('SIGTERM', () => process.exit(0));
