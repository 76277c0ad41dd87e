// elect-kv: a replicated key-value store with an elected leader, in the spirit of Raft but
// replicating key versions instead of a log. Every node persists what it accepts (fsync).
//
//  - Election: a node that hears no leader for 0.5–1 s becomes a candidate for term+1 and
//    asks every peer for its vote; a peer votes once per term and sends its data along.
//    With a quorum of votes the candidate merges the newest version of every key from the
//    voters, replicates the merged data to a quorum, and leads.
//  - Writes and compare-and-set run at the leader one at a time: version (term, seq),
//    replicated to every peer, acknowledged once a quorum holds it (else 504: a later
//    leader may still adopt it). A leader steps down when it sees a higher term.
//  - Reads run at the leader after a heartbeat round confirms a quorum still follows it.
//  - Followers forward client requests to the leader they know.
//  - The first node in --nodes is the preferred leader: it takes leadership back a second
//    after it finds another node leading.
//
// Flags, each turning on one "optimisation":
//   --reachable-quorum  a quorum is a majority of the nodes that answered, so a side of a
//                       partition keeps working ("stay available when nodes are down")
//   --lease-reads       the leader answers reads locally for 3 s after a heartbeat round a
//                       quorum acknowledged, saving the round trip
//
//   node server.mjs --id n2 --nodes n1=10.0.0.1:7000,... --port 7000 --data DIR [flags]
//
//   GET  /kv/:key                          200 {"value": v}, 404 when absent
//   PUT  /kv/:key {"value"}                204
//   POST /kv/:key/cas {"expect", "value"}  204, or 412 when the current value differs
//   503  no leader, or the leader could not reach a quorum: not applied
//   504  the leader did not answer in time: may have been applied
//   GET  /health                           200
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
    'reachable-quorum': { type: 'boolean' },
    'lease-reads': { type: 'boolean' },
  },
});
const HEARTBEAT_MS = 100;
const ELECTION_MS = [500, 1000];
const LEASE_MS = 3000;
const RPC_TIMEOUT_MS = 300;

const nodes = opt.nodes.split(',').map((e) => {
  const [name, addr] = e.split('=');
  const [host, port] = addr.split(':');
  return { name, host, port: Number(port) };
});
const me = opt.id;
const peers = nodes.filter((n) => n.name !== me);
const majority = Math.floor(nodes.length / 2) + 1;

// ---------------------------------------------------------------- durable state

fs.mkdirSync(opt.data, { recursive: true });
const metaFile = path.join(opt.data, 'meta.json');
const logFile = path.join(opt.data, 'data.jsonl');
let { term, votedFor } = fs.existsSync(metaFile) ? JSON.parse(fs.readFileSync(metaFile, 'utf8')) : { term: 0, votedFor: null };
/** key -> { value, ver: [term, seq] } */
const store = new Map();
let seq = 0;
const newer = (a, b) => !b || a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
if (fs.existsSync(logFile)) {
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    try {
      const { key, value, ver } = JSON.parse(line);
      if (newer(ver, store.get(key)?.ver)) store.set(key, { value, ver });
      seq = Math.max(seq, ver[1]);
    } catch {
      // torn last line
    }
  }
}
const logFd = fs.openSync(logFile, 'a');

function saveMeta() {
  const tmp = metaFile + '.tmp';
  const fd = fs.openSync(tmp, 'w');
  fs.writeSync(fd, JSON.stringify({ term, votedFor }));
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, metaFile);
}

/** Persist entries newer than what we hold; with `apply`, also make them readable. */
function accept(entries) {
  const lines = [];
  for (const [key, e] of entries) {
    seq = Math.max(seq, e.ver[1]);
    if (!newer(e.ver, store.get(key)?.ver)) continue;
    lines.push(JSON.stringify({ key, value: e.value, ver: e.ver }) + '\n');
    store.set(key, e);
  }
  if (lines.length) {
    fs.writeSync(logFd, lines.join(''));
    fs.fsyncSync(logFd);
  }
}

// ---------------------------------------------------------------- RPC

function call(node, method, url, body, timeoutMs) {
  return new Promise((resolve) => {
    let connected = false;
    const r = http.request({ host: node.host, port: node.port, method, path: url, headers: { 'content-type': 'application/json' }, timeout: timeoutMs }, (res) => {
      let raw = '';
      res.on('data', (d) => (raw += d));
      res.on('end', () => resolve({ status: res.statusCode, body: raw ? JSON.parse(raw) : null }));
    });
    // A kept-alive socket is connected already; a new one once it connects.
    r.on('socket', (s) => (s.connecting ? s.once('connect', () => (connected = true)) : (connected = true)));
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', () => resolve({ status: connected ? 504 : 503, body: null, unreachable: true }));
    r.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * Sends to every peer; resolves once a quorum acknowledged (counting this node) or every
 * peer answered or timed out.
 */
function broadcast(url, body) {
  return new Promise((resolve) => {
    let acks = 1;
    let answered = 1;
    let settled = 0;
    const replies = [];
    const finish = () => resolve({ acks, answered, replies });
    for (const p of peers) {
      call(p, 'POST', url, body, RPC_TIMEOUT_MS).then((r) => {
        settled++;
        if (!r.unreachable) answered++;
        if (r.status === 200 && r.body?.ok) {
          acks++;
          replies.push(r.body);
        } else if (r.body?.term > term) {
          becomeFollower(r.body.term, null);
        }
        if ((!opt['reachable-quorum'] && acks >= majority) || settled === peers.length) finish();
      });
    }
  });
}

function quorum({ acks, answered }) {
  return opt['reachable-quorum'] ? acks >= Math.floor(answered / 2) + 1 : acks >= majority;
}

// ---------------------------------------------------------------- roles

let role = 'follower';
let leader = null;
let lastHeard = Date.now();
let electionTimeout = randomTimeout();
let leaseUntil = 0;

function randomTimeout() {
  return ELECTION_MS[0] + Math.random() * (ELECTION_MS[1] - ELECTION_MS[0]);
}

function becomeFollower(newTerm, newLeader) {
  if (newTerm > term) {
    term = newTerm;
    votedFor = null;
    saveMeta();
  }
  role = 'follower';
  if (newLeader !== leader) followingSince = Date.now();
  leader = newLeader;
  leaseUntil = 0;
  lastHeard = Date.now();
  electionTimeout = randomTimeout();
}

async function campaign() {
  term++;
  votedFor = me;
  saveMeta();
  role = 'candidate';
  leader = null;
  lastHeard = Date.now();
  electionTimeout = randomTimeout();
  const t = term;
  const votes = await broadcast('/raft/vote', { term: t, candidate: me });
  if (role !== 'candidate' || term !== t) return;
  if (!quorum(votes)) return becomeFollower(term, null);
  // Whatever a quorum acknowledged is held by at least one voter: take the newest of each key.
  for (const v of votes.replies) accept(v.entries);
  const sync = await broadcast('/raft/append', { term: t, leader: me, entries: [...store] });
  if (role !== 'candidate' || term !== t) return;
  if (!quorum(sync)) return becomeFollower(term, null);
  role = 'leader';
  leader = me;
  console.log(`${me} leads term ${t}`);
}

// The first node in --nodes has priority: when it follows another leader for a second, it
// calls an election to take over (as a preferred leader does), so it leads whenever it can.
const preferred = nodes[0].name;
let followingSince = Date.now();
setInterval(() => {
  if (role !== 'leader' && Date.now() - lastHeard > electionTimeout) campaign();
  else if (me === preferred && role === 'follower' && leader !== null && leader !== me && Date.now() - followingSince > 1000) campaign();
}, 50);

async function heartbeat() {
  if (role !== 'leader') return;
  const sent = Date.now();
  const t = term;
  const r = await broadcast('/raft/append', { term: t, leader: me, entries: [] });
  if (role === 'leader' && term === t && quorum(r)) leaseUntil = sent + LEASE_MS;
  return role === 'leader' && term === t && quorum(r);
}
setInterval(heartbeat, HEARTBEAT_MS);

// ---------------------------------------------------------------- client operations at the leader

let chain = Promise.resolve();
function oneAtATime(fn) {
  const p = chain.then(fn);
  chain = p.catch(() => {});
  return p;
}

async function replicate(key, value) {
  const t = term;
  const entry = { value, ver: [t, ++seq] };
  const r = await broadcast('/raft/append', { term: t, leader: me, entries: [[key, entry]] });
  // Not on a quorum: it may still be adopted by a later leader from the nodes that took it.
  if (role !== 'leader' || term !== t || !quorum(r)) return [504, { error: 'not replicated to a quorum' }];
  accept([[key, entry]]);
  return [204, null];
}

function execute(method, key, isCas, body) {
  if (method === 'GET' && opt['lease-reads'] && role === 'leader' && Date.now() < leaseUntil) {
    return store.has(key) ? [200, { value: store.get(key).value }] : [404, {}];
  }
  return oneAtATime(async () => {
    if (role !== 'leader') return [503, { error: 'not the leader' }];
    if (method === 'GET') {
      if (!(await heartbeat())) return [503, { error: 'no quorum' }];
      return store.has(key) ? [200, { value: store.get(key).value }] : [404, {}];
    }
    if (isCas) {
      const current = store.has(key) ? store.get(key).value : null;
      if (current !== body.expect) return [412, { error: 'precondition failed', current }];
    }
    return replicate(key, body.value);
  });
}

// ---------------------------------------------------------------- server

const routes = {
  '/raft/vote'(b) {
    if (b.term > term) becomeFollower(b.term, null);
    if (b.term === term && (votedFor === null || votedFor === b.candidate) && role !== 'leader') {
      votedFor = b.candidate;
      saveMeta();
      lastHeard = Date.now();
      return { ok: true, term, entries: [...store] };
    }
    return { ok: false, term };
  },
  '/raft/append'(b) {
    if (b.term < term) return { ok: false, term };
    if (b.term > term || role !== 'follower' || leader !== b.leader) becomeFollower(b.term, b.leader);
    lastHeard = Date.now();
    accept(b.entries);
    return { ok: true, term };
  },
};

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
      if (req.url === '/health') return send([200, { ok: true, role, term, leader }]);
      if (routes[req.url]) return send([200, routes[req.url](body)]);
      const m = /^\/kv\/([^/]+)(\/cas)?$/.exec(req.url ?? '');
      if (!m) return send([404, { error: 'no such route' }]);
      const key = decodeURIComponent(m[1]);
      if (role === 'leader') return send(await execute(req.method, key, Boolean(m[2]), body));
      const l = nodes.find((n) => n.name === leader);
      if (!l) return send([503, { error: 'no leader' }]);
      const r = await call(l, req.method, req.url, req.method === 'GET' ? undefined : body, 2000);
      send([r.status, r.body]);
    });
  })
  .listen(Number(opt.port), '0.0.0.0', () => console.log(`${me} listening on ${opt.port}`));
process.on('SIGTERM', () => process.exit(0));
