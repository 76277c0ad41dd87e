/**
 * Testing the replica-cache service with Faultline. Run from the repository root:
 *
 *   npm run test:jepsen -- --config examples/replica-cache/faultline.config.ts --variant fixed
 *   npm run test:jepsen -- --config examples/replica-cache/faultline.config.ts --variant stale-cache
 */
import { defineWorkload, httpJsonClient } from 'faultline';

export default defineWorkload({
  name: 'replica-cache',
  description: 'a leader/follower key-value service whose followers may serve reads from a cache',
  // The first variant is the default. {variant} is not used in the command line here;
  // the function below turns it into the service's own flag.
  variants: ['fixed', 'stale-cache'],
  service: {
    port: 7000,
    command: ({ variant }) => [
      'node', 'server.mjs',
      '--id', '{node}', '--nodes', '{nodes}', '--port', '{port}', '--data', '{dataDir}',
      ...(variant === 'stale-cache' ? ['--stale-cache'] : []),
    ],
    ready: { http: '/health' },
    clock: 'libc',
    primary: (nodes) => nodes[0]!,
  },
  // The generator's default ops are read/write/cas with values [key, v] (see registerOps);
  // this maps each onto the service's HTTP API.
  client: httpJsonClient({
    operations: {
      read: {
        path: ([key]) => `/kv/${key}`,
        value: (res, [key]) => [key, (res.body as { value: number }).value],
        // An absent key reads as null; 404 is an answer, not a failure.
        result: (res, [key]) => (res.status === 404 ? { type: 'ok', value: [key, null] } : undefined),
      },
      write: { method: 'PUT', path: ([key]) => `/kv/${key}`, body: ([, value]) => ({ value }) },
      cas: {
        method: 'POST',
        path: ([key]) => `/kv/${key}/cas`,
        body: ([, [expect, value]]) => ({ expect, value }),
        // 412: the compare failed, so nothing changed: a definite failure (the default for 4xx).
      },
    },
  }),
  // generator, checker and faults keep their defaults: read/write/cas on rotating keys
  // (a group of workers per key for 150 ops, then a fresh key; values unique per key), a
  // linearizable register per key, and every fault kind.
});
