// A small third-party-style key-value service: one leader (the first node in --nodes)
// holds the data in an fsynced log; followers forward writes to it. Reads are forwarded
// to the leader too — unless the service runs with --stale-cache, the "optimisation" this
// example exists to catch: followers then answer reads from a local cache that refreshes
// from the leader every 300 ms, so a read can miss a write that already succeeded.
//
//   node server.mjs --id n2 --nodes n1=10.0.0.1:7000,n2=10.0.0.2:7000 --port 7000 --data DIR [--stale-cache]
//
//   GET  /kv/:key            200 {"value": v}   404 when absent
//   PUT  /kv/:key {"value"}  204
//   POST /kv/:key/cas {"expect", "value"}  204, or 412 when the current value differs
//   GET  /dump               200 {key: value} (what the cache refreshes from)
//   GET  /health             200
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: { id: { type: 'string' }, nodes: { type: 'string' }, port: { type: 'string' }, data: { type: 'string' }, 'stale-cache': { type: 'boolean' } },
});
const nodes = opt.nodes.split(',').map((e) => {
  const [name, addr] = e.split('=');
  return { name, addr };
});
const leader = nodes[0];
const isLeader = opt.id === leader.name;
const state = new Map();
let logFd;

if (isLeader) {
  fs.mkdirSync(opt.data, { recursive: true });
  const file = path.join(opt.data, 'log.jsonl');
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      try {
        const { key, value } = JSON.parse(line);
        state.set(key, value);
      } catch {
        // a torn last line from a crash was never acknowledged
      }
    }
  }
  logFd = fs.openSync(file, 'a');
}

function apply(key, value) {
  fs.writeSync(logFd, JSON.stringify({ key, value }) + '\n');
  fs.fsyncSync(logFd);
  state.set(key, value);
}

/** The leader's own answer to one request. */
function execute(method, key, cas, body) {
  if (method === 'GET') return state.has(key) ? [200, { value: state.get(key) }] : [404, {}];
  if (method === 'PUT') {
    apply(key, body.value);
    return [204, null];
  }
  const current = state.has(key) ? state.get(key) : null;
  if (current !== body.expect) return [412, { error: 'precondition failed', current }];
  apply(key, body.value);
  return [204, null];
}

function forward(req, body) {
  return new Promise((resolve) => {
    const [host, port] = leader.addr.split(':');
    const r = http.request({ host, port, method: req.method, path: req.url, headers: { 'content-type': 'application/json' }, timeout: 1000 }, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve([res.statusCode, data ? JSON.parse(data) : null]));
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', () => resolve([503, { error: 'leader unreachable' }]));
    r.end(body ? JSON.stringify(body) : undefined);
  });
}

let cache = new Map();
if (!isLeader && opt['stale-cache']) {
  setInterval(async () => {
    const [status, dump] = await forward({ method: 'GET', url: '/dump' });
    if (status === 200) cache = new Map(Object.entries(dump));
  }, 300);
}

http
  .createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', async () => {
      const send = ([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body === null ? undefined : JSON.stringify(body));
      };
      if (req.url === '/health') return send([200, { ok: true }]);
      if (req.url === '/dump') return send(isLeader ? [200, Object.fromEntries(state)] : [404, {}]);
      const m = /^\/kv\/([^/]+)(\/cas)?$/.exec(req.url ?? '');
      if (!m) return send([404, { error: 'no such route' }]);
      const body = raw ? JSON.parse(raw) : {};
      if (isLeader) return send(execute(req.method, decodeURIComponent(m[1]), Boolean(m[2]), body));
      if (req.method === 'GET' && opt['stale-cache']) {
        const key = decodeURIComponent(m[1]);
        return send(cache.has(key) ? [200, { value: cache.get(key) }] : [404, {}]);
      }
      send(await forward(req, body));
    });
  })
  .listen(Number(opt.port), '0.0.0.0', () => console.log(`${opt.id} listening on ${opt.port} (${isLeader ? 'leader' : 'follower'})`));
process.on('SIGTERM', () => process.exit(0));
