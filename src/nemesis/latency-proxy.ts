/**
 * A TCP proxy that adds latency, jitter and connection resets, for networks without netem.
 * It runs inside a node's network namespace; iptables there redirects peers' new
 * connections to the node's service port into this proxy, which forwards them to the
 * service. Each chunk is held for delay ± jitter ms in each direction, in order (a chunk
 * never overtakes the one before it, as on a real link).
 *
 *   node dist/src/nemesis/latency-proxy.js --listen 24000 --target 10.213.5.12:8000 \
 *     --delay 100 --jitter 50 --reset-probability 0.05
 *
 * Prints "listening <port>" once ready; exits on SIGTERM.
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    listen: { type: 'string' },
    target: { type: 'string' },
    delay: { type: 'string', default: '0' },
    jitter: { type: 'string', default: '0' },
    'reset-probability': { type: 'string', default: '0' },
  },
});
const listenPort = Number(values.listen);
const [targetHost, targetPortRaw] = String(values.target ?? '').split(':');
const targetPort = Number(targetPortRaw);
const delay = Number(values.delay);
const jitter = Number(values.jitter);
const resetP = Number(values['reset-probability']);
if (!(listenPort > 0) || !targetHost || !(targetPort > 0) || !(delay >= 0) || !(jitter >= 0) || !(resetP >= 0 && resetP <= 1)) {
  process.stderr.write('usage: latency-proxy --listen PORT --target HOST:PORT [--delay ms] [--jitter ms] [--reset-probability p]\n');
  process.exit(2);
}

/** Delivers chunks to `to` after delay ± jitter, never out of order. */
function delayedPipe(from: net.Socket, to: net.Socket): void {
  let lastDue = 0;
  from.on('data', (chunk) => {
    const d = Math.max(0, delay + (Math.random() * 2 - 1) * jitter);
    const due = Math.max(Date.now() + d, lastDue);
    lastDue = due;
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, due - Date.now());
  });
  from.on('end', () => setTimeout(() => to.end(), Math.max(0, lastDue - Date.now())));
}

const server = net.createServer((inbound) => {
  const outbound = net.connect(targetPort, targetHost);
  const kill = () => {
    inbound.destroy();
    outbound.destroy();
  };
  inbound.on('error', kill);
  outbound.on('error', kill);
  inbound.on('close', () => outbound.destroy());
  outbound.on('close', () => inbound.destroy());
  delayedPipe(inbound, outbound);
  delayedPipe(outbound, inbound);
  if (Math.random() < resetP) {
    // A connection reset somewhere in the first few seconds of this connection's life.
    setTimeout(() => {
      inbound.resetAndDestroy();
      outbound.resetAndDestroy();
    }, Math.random() * 3000).unref();
  }
});
server.on('error', (e) => {
  process.stderr.write(`latency-proxy: ${e.message}\n`);
  process.exit(1);
});
server.listen(listenPort, '0.0.0.0', () => process.stdout.write(`listening ${listenPort}\n`));
process.on('SIGTERM', () => process.exit(0));
