/**
 * The quorum-kv service of the bug zoo (server.mjs): leaderless majority reads and writes
 * (ABD). It has no compare-and-set, so the generator leaves it out. The bug needs clock
 * faults, which a user testing a clock-stamped store would ask for. From the repository root:
 *
 *   npm run test:jepsen -- --config examples/zoo/quorum-kv/faultline.config.ts --nemesis partition,kill,clock                        # correct: VALID
 *   npm run test:jepsen -- --config examples/zoo/quorum-kv/faultline.config.ts --nemesis partition,kill,clock --variant wall-clock  # last writer wins on skewed clocks
 */
import { defineWorkload, httpJsonClient, registerOps, type HttpResponse } from 'faultline';

// 503: fewer than a majority answered, nothing stored; 504: unknown.
const notApplied = (res: HttpResponse) => (res.status === 503 ? { type: 'fail' as const, error: 'no majority' } : undefined);

export default defineWorkload({
  name: 'zoo-quorum-kv',
  description: 'leaderless majority reads and writes; the wall-clock variant stamps writes with the coordinator clock',
  variants: ['correct', 'wall-clock'],
  service: {
    port: 7000,
    command: ({ variant }) => [
      'node', 'server.mjs',
      '--id', '{node}', '--nodes', '{nodes}', '--port', '{port}', '--data', '{dataDir}',
      ...(variant === 'correct' ? [] : [`--${variant}`]),
    ],
    ready: { http: '/health' },
    clock: 'libc',
  },
  generator: registerOps({ mix: { read: 1, write: 1, cas: 0 } }),
  client: httpJsonClient({
    operations: {
      read: {
        path: ([key]) => `/kv/${key}`,
        value: (res, [key]) => [key, (res.body as { value: number }).value],
        result: (res, [key]) => (res.status === 404 ? { type: 'ok', value: [key, null] } : undefined),
      },
      write: { method: 'PUT', path: ([key]) => `/kv/${key}`, body: ([, value]) => ({ value }), result: notApplied },
    },
  }),
});
