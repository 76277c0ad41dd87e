/**
 * The cached-kv service of the bug zoo (server.mjs): a primary with replicas that forward to
 * it, and three flags that each turn on one classic bug. Run from the repository root:
 *
 *   npm run test:jepsen -- --config examples/zoo/cached-kv/faultline.config.ts                          # correct: VALID
 *   npm run test:jepsen -- --config examples/zoo/cached-kv/faultline.config.ts --variant read-cache     # stale cache reads after lost invalidations
 *   npm run test:jepsen -- --config examples/zoo/cached-kv/faultline.config.ts --variant replica-reads  # reads from an asynchronous replica
 *   npm run test:jepsen -- --config examples/zoo/cached-kv/faultline.config.ts --variant write-behind   # acknowledged before durable: a kill loses writes
 */
import { defineWorkload, httpJsonClient, type HttpResponse } from 'faultline';

const notApplied = (res: HttpResponse) => (res.status === 503 ? { type: 'fail' as const, error: 'primary unreachable' } : undefined);

export default defineWorkload({
  name: 'zoo-cached-kv',
  description: 'a primary/replica key-value store; variants switch on a read cache, replica reads or write-behind logging',
  variants: ['correct', 'read-cache', 'replica-reads', 'write-behind'],
  service: {
    port: 7000,
    command: ({ variant }) => [
      'node', 'server.mjs',
      '--id', '{node}', '--nodes', '{nodes}', '--port', '{port}', '--data', '{dataDir}',
      ...(variant === 'correct' ? [] : [`--${variant}`]),
    ],
    ready: { http: '/health' },
    clock: 'libc',
    primary: (nodes) => nodes[0]!,
  },
  // The service documents 503 as "not applied" (the primary was never reached) and 504 as
  // "may have been applied"; by default every 5xx is indeterminate, so say which is which.
  client: httpJsonClient({
    operations: {
      read: {
        path: ([key]) => `/kv/${key}`,
        value: (res, [key]) => [key, (res.body as { value: number }).value],
        result: (res, [key]) => (res.status === 404 ? { type: 'ok', value: [key, null] } : undefined),
      },
      write: { method: 'PUT', path: ([key]) => `/kv/${key}`, body: ([, value]) => ({ value }), result: notApplied },
      cas: { method: 'POST', path: ([key]) => `/kv/${key}/cas`, body: ([, [expect, value]]) => ({ expect, value }), result: notApplied },
    },
  }),
  // Generator, checker and faults keep their defaults: register ops, a linearizable
  // register per key, partitions and kills.
});
