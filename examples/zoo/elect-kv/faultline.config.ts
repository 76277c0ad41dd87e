/**
 * The elect-kv service of the bug zoo (server.mjs): a leader elected by votes, writes
 * replicated to a quorum, reads confirmed by a heartbeat round. Run from the repository root:
 *
 *   npm run test:jepsen -- --config examples/zoo/elect-kv/faultline.config.ts                              # correct: VALID
 *   npm run test:jepsen -- --config examples/zoo/elect-kv/faultline.config.ts --variant reachable-quorum   # split brain: two leaders during a partition
 *   npm run test:jepsen -- --config examples/zoo/elect-kv/faultline.config.ts --variant lease-reads        # a read lease that outlives the leader's partition
 */
import { defineWorkload, httpJsonClient, type HttpResponse } from 'faultline';

// 503: not applied (no leader, no quorum, or the leader was never reached); 504: unknown.
const notApplied = (res: HttpResponse) => (res.status === 503 ? { type: 'fail' as const, error: 'unavailable' } : undefined);

export default defineWorkload({
  name: 'zoo-elect-kv',
  description: 'a key-value store with an elected leader; variants count a quorum among reachable nodes, or serve reads under a lease',
  variants: ['correct', 'reachable-quorum', 'lease-reads'],
  service: {
    port: 7000,
    command: ({ variant }) => [
      'node', 'server.mjs',
      '--id', '{node}', '--nodes', '{nodes}', '--port', '{port}', '--data', '{dataDir}',
      ...(variant === 'correct' ? [] : [`--${variant}`]),
    ],
    ready: { http: '/health' },
    clock: 'libc',
    // The first node is the preferred leader, so it leads whenever it can.
    primary: (nodes) => nodes[0]!,
  },
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
});
