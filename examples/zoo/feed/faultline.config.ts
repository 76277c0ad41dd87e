/**
 * The feed service of the bug zoo (server.mjs): append-only lists on a primary, API nodes
 * forwarding to it. Tested as list-append transactions of one micro-op each (an append or
 * a read of one list), checked like Elle: every append unique, so a read that lost an
 * acknowledged append, or holds one twice, names the ops. From the repository root:
 *
 *   npm run test:jepsen -- --config examples/zoo/feed/faultline.config.ts                           # correct: VALID
 *   npm run test:jepsen -- --config examples/zoo/feed/faultline.config.ts --variant append-by-put   # read-modify-write across nodes: lost appends
 *   npm run test:jepsen -- --config examples/zoo/feed/faultline.config.ts --variant retry-forward   # non-idempotent retries: appends applied twice
 */
import {
  defineWorkload, httpJsonClient, listAppend, listAppendTxns,
  type Client, type ClientOp, type ClientResult, type HttpResponse, type TestRuntime,
} from 'faultline';

type MicroOp = [f: 'append' | 'r', key: number, value: unknown];

const notApplied = (res: HttpResponse) => (res.status === 503 ? { type: 'fail' as const, error: 'primary unreachable' } : undefined);

/** The service's API, one HTTP request per micro-op. */
const lists = httpJsonClient({
  operations: {
    append: { method: 'POST', path: ([, key]: MicroOp) => `/lists/${key}`, body: ([, , value]: MicroOp) => ({ value }), result: notApplied },
    r: {
      path: ([, key]: MicroOp) => `/lists/${key}`,
      readOnly: true,
      value: (res, [, key]: MicroOp) => ['r', key, (res.body as { values: number[] }).values],
      result: (res, [, key]: MicroOp) => (res.status === 404 ? { type: 'ok', value: ['r', key, []] } : undefined),
    },
  },
});

/** A transaction of one micro-op, as the list-append generator and checker speak them. */
class OneMicroOp implements Client {
  constructor(private readonly inner: Client) {}
  async open(test: TestRuntime, node: string): Promise<Client> {
    return new OneMicroOp(await this.inner.open(test, node));
  }
  setup(test: TestRuntime): Promise<void> {
    return this.inner.setup(test);
  }
  async invoke(test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    const [m] = op.value as [MicroOp];
    const r = await this.inner.invoke(test, { ...op, f: m[0], value: m }, signal);
    return { ...r, value: [r.value] };
  }
  teardown(test: TestRuntime): Promise<void> {
    return this.inner.teardown(test);
  }
  close(test: TestRuntime): Promise<void> {
    return this.inner.close(test);
  }
}

export default defineWorkload({
  name: 'zoo-feed',
  description: 'append-only lists on a primary behind API nodes; variants append by read-then-put, or retry forwarded requests',
  variants: ['correct', 'append-by-put', 'retry-forward'],
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
  client: new OneMicroOp(lists),
  generator: listAppendTxns({ maxLength: 1 }),
  checker: listAppend(),
});
