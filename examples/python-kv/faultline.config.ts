/**
 * A Python service and a Python client, tested through the same workload-file path as any
 * other. Run from the repository root (one node: the service does not replicate):
 *
 *   npm run test:jepsen -- --config examples/python-kv/faultline.config.ts --nodes 1 --nemesis kill
 *   npm run test:jepsen -- --config examples/python-kv/faultline.config.ts --nodes 1 --nemesis kill --variant memory
 *
 * The durable variant passes; the in-memory one loses acknowledged writes to kill -9.
 * Add `--backend docker` to run each node in a container built from ./Dockerfile.
 */
import { fileURLToPath } from 'node:url';
import { defineWorkload, processClient } from 'faultline';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineWorkload({
  name: 'python-kv',
  variants: ['durable', 'memory'],
  service: {
    port: 7100,
    command: ({ variant }) => ['python3', 'server.py', '--port', '{port}', '--data', '{dataDir}', ...(variant === 'durable' ? ['--durable'] : [])],
    ready: { log: 'listening on' },
    clock: 'libc',
    // On --backend docker the same command runs in an image built from ./Dockerfile
    // (Python on Debian, server.py in /app, its WORKDIR).
    docker: { build: '.' },
  },
  client: processClient({ command: ['python3', 'client.py'], cwd: here }),
});
