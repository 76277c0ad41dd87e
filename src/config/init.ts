/**
 * `faultline init`: writes a commented workload file for an HTTP service with read, write
 * and compare-and-set on keys, ready to edit — the half-hour path to testing your service.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.js';

const CONFIG_TEMPLATE = `/**
 * Faultline workload for your service. Edit the marked places, then run:
 *
 *   npx faultline run --config faultline.config.ts --time-limit 30
 *
 * Faultline starts one process per node, each in its own network namespace with its own
 * IP, drives concurrent clients against them while it partitions, kills, pauses and skews
 * them, and checks that every key behaves as one linearizable register.
 */
import { defineWorkload, httpJsonClient } from 'faultline';

export default defineWorkload({
  name: 'my-service', // EDIT: what runs and reports are called

  // Variants are passed to your command as {variant}: e.g. a bug behind a flag.
  variants: ['default'],

  service: {
    port: 8080, // EDIT: the port every node listens on
    // EDIT: how one node starts. It runs from this file's directory. Placeholders:
    //   {node} n1, n2…  {ip} the node's IP  {port}  {dataDir} kept across restarts
    //   {nodes} n1=ip:port,n2=…  {peers} the same without this node  {variant}
    command: ['node', 'server.js', '--id', '{node}', '--peers', '{peers}', '--port', '{port}', '--data', '{dataDir}'],
    // How to tell a node is up: { http: '/health' }, { tcp: true } or { log: 'regex' }.
    ready: { http: '/health' },
    // 'libc' if your service reads the clock through libc (Node, Python, most C) so
    // clock faults can skew it; 'static' for static Go binaries.
    clock: 'libc',
    // If one node is always the primary, name it: faults can then target it.
    // primary: 'n1',
    // On --backend docker a Node service runs as is. For another runtime, give an image:
    // a directory with a Dockerfile (it may start \`ARG FAULTLINE_DEBIAN\` and
    // \`FROM \${FAULTLINE_DEBIAN}\`: Debian built locally, no registry), or a local tag.
    // docker: { build: '.', command: ['./server', '--port', '{port}'], workdir: '/app' },
    // docker: { image: 'my-service:dev' },
  },

  // EDIT: map the three operations onto your HTTP API. Values are [key, v]:
  //   read  [key, null]       -> record [key, observed value] (null when absent)
  //   write [key, v]
  //   cas   [key, [from, to]] -> compare-and-set
  // Answers: 2xx ok; 4xx fail (definitely not done); 5xx, timeouts and dropped
  // connections info (may have happened). Override with result: (res, value) => ….
  client: httpJsonClient({
    operations: {
      read: {
        method: 'GET',
        path: ([key]) => \`/keys/\${key}\`,
        value: (res, [key]) => [key, (res.body as { value?: unknown } | null)?.value ?? null],
        result: (res, [key]) => (res.status === 404 ? { type: 'ok', value: [key, null] } : undefined),
      },
      write: { method: 'PUT', path: ([key]) => \`/keys/\${key}\`, body: ([, value]) => ({ value }) },
      cas: { method: 'POST', path: ([key]) => \`/keys/\${key}/cas\`, body: ([, [from, to]]) => ({ from, to }) },
    },
  }),

  // Optional: generator (default: read/write/cas on rotating keys, values unique per key),
  // opsPerKey (default 150: ops a key takes before the workers move to a fresh one), final
  // (default: reads of the keys still live), checker (default: a linearizable register per
  // key), faults (default: every kind).
});
`;

export function writeConfigTemplate(path: string, force: boolean): void {
  if (existsSync(path) && !force) throw new UsageError(`${path} already exists; pass --force to overwrite it`);
  const dir = dirname(path);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`cannot write ${path}: directory ${dir} does not exist (create it first: mkdir -p ${JSON.stringify(dir)})`);
  try {
    writeFileSync(path, CONFIG_TEMPLATE);
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (choose a file you can write)`);
  }
}
