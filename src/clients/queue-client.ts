/**
 * What every queue client shares (RabbitMQ's, NATS's): one connection per worker, bound to
 * its node and reopened after any failure; ops dispatched by name (enqueue, dequeue,
 * drain); and the rule that a received message is acknowledged only once its value is in
 * the history. The runner appends a completion synchronously in the same turn of the
 * event loop in which the client's result arrives, so a callback on the next turn
 * (`afterRecorded`) runs after the value is on disk; if the runner gave up on the op
 * first (its timeout, Ctrl-C), the value is not recorded and the message must go back.
 */
import type { Client, ClientOp, ClientResult } from './client.js';
import { failure, notSent, unknownOp } from './outcome.js';
import type { TestRuntime } from '../cluster/test-runtime.js';

interface QueueLink {
  broken: boolean;
}

export abstract class QueueClient<L extends QueueLink> implements Client {
  private link: L | undefined;

  abstract open(test: TestRuntime, node: string): Promise<Client>;
  abstract setup(test: TestRuntime): Promise<void>;
  /** Opens a connection to this client's node. */
  protected abstract openLink(): Promise<L>;
  /** Closes a connection without waiting (a paused broker never answers). */
  protected abstract closeLink(link: L): void;
  protected abstract enqueue(link: L, value: unknown, budgetMs: number): Promise<ClientResult>;
  protected abstract dequeue(link: L, signal: AbortSignal): Promise<ClientResult>;
  protected abstract drain(link: L, signal: AbortSignal, budgetMs: number): Promise<ClientResult>;

  protected async connect(): Promise<L> {
    if (this.link && !this.link.broken) return this.link;
    this.link = await this.openLink();
    return this.link;
  }

  /** Forgets a connection (the next op opens a fresh one) and closes it. */
  protected drop(link: L): void {
    link.broken = true;
    if (this.link === link) this.link = undefined;
    this.closeLink(link);
  }

  async invoke(test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    let link: L;
    try {
      link = await this.connect();
    } catch (e) {
      // Nothing was sent: whatever the op was, it did not happen.
      return failure('connect', op.value, `connect: ${errorText(e)}`);
    }
    if (signal.aborted) return notSent(op.value);
    // A cut-off op leaves the connection in an unknown state: the next op opens a fresh one.
    const onAbort = () => this.drop(link);
    signal.addEventListener('abort', onAbort, { once: true });
    // Enough to finish (or give up) before the runner's own timeout turns the op into info.
    const budgetMs = Math.max(200, test.options.opTimeoutMs - 700);
    try {
      switch (op.f) {
        case 'enqueue':
          return await this.enqueue(link, op.value, budgetMs);
        case 'dequeue':
          return await this.dequeue(link, signal);
        case 'drain':
          return await this.drain(link, signal, budgetMs);
        default:
          return unknownOp(op);
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async teardown(): Promise<void> {}

  async close(): Promise<void> {
    if (this.link) this.drop(this.link);
  }
}

/**
 * Calls `settle(true)` once the op's completion is in the history (acknowledge the
 * messages), or `settle(false)` when the runner gave up on the op (hand them back).
 */
export function afterRecorded(signal: AbortSignal, settle: (recorded: boolean) => void): void {
  setImmediate(() => settle(!signal.aborted));
}

/** A value as sent (its text): numbers stay numbers in the history. */
function decodeValue(content: Uint8Array): string | number {
  const text = Buffer.from(content).toString('utf8');
  return /^-?\d{1,15}$/.test(text) ? Number(text) : text;
}

/** A received value as the queue checker reads it: flagged when the broker says it redelivered it. */
export function receivedValue(content: Uint8Array, redelivered: boolean): unknown {
  const value = decodeValue(content);
  return redelivered ? { value, redelivered: true } : value;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
