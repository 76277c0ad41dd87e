/**
 * Queue client for RabbitMQ over AMQP 0-9-1 (amqplib, pure JavaScript): one connection and
 * one confirm channel per worker, bound to its node, reopened after any failure.
 *
 *  - enqueue: a persistent message (the value as text) to the queue through the default
 *    exchange, on a channel in confirm mode; ok once the broker confirms it. A failure
 *    before the publish left this client is `fail`; after it, `info` (a nack too: the
 *    broker gives no promise about a nacked message).
 *  - dequeue: basic.get without auto-ack; ok with the value, `fail` "empty" when there is
 *    none. The message is acknowledged only after the runner has written the value to the
 *    history (the ack goes out on the next turn of the event loop); if the op was cut off
 *    by its timeout the value is not recorded, so the message is handed back instead. A
 *    failed dequeue acknowledged nothing: whatever it may have received goes back to the
 *    queue with the channel, so it is `fail`, not `info`.
 *  - drain: basic.get until the queue is empty or the op's time budget is spent; ok with
 *    every value, acknowledged the same way. One that fails part-way returns `fail`: it
 *    acknowledged nothing, and the messages go back.
 * Received values are recorded as `{value, redelivered: true}` when RabbitMQ flags the
 * delivery as a redelivery (the checker does not judge those for order).
 */
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import type { Client, ClientOp, ClientResult } from './client.js';
import type { TestRuntime } from '../core/test.js';
import { FaultlineError } from '../core/errors.js';

export interface RabbitmqQueueOptions {
  queue: string;
  /** Declares the queue (idempotent); called once by `setup` on the first node's client. */
  declare(channel: Channel): Promise<void>;
  /** Runs once before the queue is declared (forming the cluster). */
  prepare?(test: TestRuntime): Promise<void>;
}

interface Link {
  model: ChannelModel;
  channel: ConfirmChannel;
  broken: boolean;
}

/** A value as sent: numbers stay numbers in the history. */
export function decodeValue(content: Buffer): string | number {
  const text = content.toString('utf8');
  return /^-?\d{1,15}$/.test(text) ? Number(text) : text;
}

export function received(content: Buffer, redelivered: boolean): unknown {
  const value = decodeValue(content);
  return redelivered ? { value, redelivered: true } : value;
}

const CONNECT_TIMEOUT_MS = 1000;

export class RabbitmqQueueClient implements Client {
  private link: Link | undefined;

  constructor(
    private readonly o: RabbitmqQueueOptions,
    private readonly address?: { host: string; port: number },
  ) {}

  async open(test: TestRuntime, node: string): Promise<Client> {
    return new RabbitmqQueueClient(this.o, test.cluster.address(node));
  }

  async setup(test: TestRuntime): Promise<void> {
    await this.o.prepare?.(test);
    try {
      const link = await this.connect();
      try {
        await this.o.declare(link.channel);
      } finally {
        this.drop(link);
      }
    } catch (e) {
      throw new FaultlineError(`rabbitmq: declaring queue ${this.o.queue} failed: ${message(e)}`);
    }
  }

  private async connect(): Promise<Link> {
    if (this.link && !this.link.broken) return this.link;
    if (!this.address) throw new Error('client not opened');
    const model = await amqp.connect(
      { hostname: this.address.host, port: this.address.port, username: 'guest', password: 'guest', heartbeat: 5 },
      { timeout: CONNECT_TIMEOUT_MS },
    );
    const link: Link = { model, channel: undefined as unknown as ConfirmChannel, broken: false };
    // Errors arrive as events too; without listeners they would crash the harness.
    model.on('error', () => (link.broken = true));
    model.on('close', () => (link.broken = true));
    try {
      link.channel = await model.createConfirmChannel();
    } catch (e) {
      this.drop(link);
      throw e;
    }
    link.channel.on('error', () => (link.broken = true));
    link.channel.on('close', () => (link.broken = true));
    this.link = link;
    return link;
  }

  /** Forgets a connection and closes it without waiting (a paused broker never answers). */
  private drop(link: Link): void {
    link.broken = true;
    if (this.link === link) this.link = undefined;
    link.model.close().catch(() => undefined);
  }

  async invoke(test: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    let link: Link;
    try {
      link = await this.connect();
    } catch (e) {
      // Nothing was sent: whatever the op was, it did not happen.
      return { type: 'fail', value: op.value, error: `connect: ${message(e)}` };
    }
    if (signal.aborted) return { type: 'fail', value: op.value, error: 'not sent: aborted' };
    // A cut-off op leaves the channel in an unknown state: the next op opens a fresh one.
    const onAbort = () => this.drop(link);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      switch (op.f) {
        case 'enqueue':
          return await this.enqueue(link, op.value);
        case 'dequeue':
          return await this.dequeue(link, signal);
        case 'drain':
          return await this.drain(link, signal, Math.max(200, test.options.opTimeoutMs - 700));
        default:
          return { type: 'fail', value: op.value, error: `unknown f ${op.f}` };
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async enqueue(link: Link, value: unknown): Promise<ClientResult> {
    const body = Buffer.from(String(value), 'utf8');
    if (link.broken) return { type: 'fail', value, error: 'not sent: the connection closed' };
    try {
      await new Promise<void>((resolve, reject) => {
        link.channel.sendToQueue(this.o.queue, body, { persistent: true, messageId: String(value) }, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
      });
      return { type: 'ok', value };
    } catch (e) {
      this.drop(link);
      return { type: 'info', value, error: message(e) };
    }
  }

  private async dequeue(link: Link, signal: AbortSignal): Promise<ClientResult> {
    let msg: GetMessage | false;
    try {
      msg = await link.channel.get(this.o.queue, { noAck: false });
    } catch (e) {
      this.drop(link);
      return { type: 'fail', value: null, error: message(e) };
    }
    if (msg === false) return { type: 'fail', value: null, error: 'empty' };
    this.ackAfterRecorded(link, [msg], signal);
    return { type: 'ok', value: received(msg.content, msg.fields.redelivered) };
  }

  private async drain(link: Link, signal: AbortSignal, budgetMs: number): Promise<ClientResult> {
    const deadline = Date.now() + budgetMs;
    const got: GetMessage[] = [];
    try {
      while (Date.now() < deadline && !signal.aborted) {
        const msg = await link.channel.get(this.o.queue, { noAck: false });
        if (msg === false) break;
        got.push(msg);
      }
    } catch (e) {
      // Nothing acknowledged yet: closing the channel hands every message back.
      this.drop(link);
      return { type: 'fail', value: null, error: `after ${got.length} message(s): ${message(e)}` };
    }
    this.ackAfterRecorded(link, got, signal);
    return { type: 'ok', value: got.map((m) => received(m.content, m.fields.redelivered)) };
  }

  /**
   * Acknowledges once the runner has appended the completion (synchronously, in the same
   * turn as our result is delivered): so after the value is on disk. An op the runner gave
   * up on has no value in the history: its messages go back instead.
   */
  private ackAfterRecorded(link: Link, msgs: readonly GetMessage[], signal: AbortSignal): void {
    if (msgs.length === 0) return;
    setImmediate(() => {
      if (link.broken) return; // the channel is gone; RabbitMQ requeues its unacked messages
      try {
        if (signal.aborted) for (const m of msgs) link.channel.nack(m, false, true);
        else link.channel.ack(msgs[msgs.length - 1]!, true);
      } catch {
        this.drop(link);
      }
    });
  }

  async teardown(): Promise<void> {}

  async close(): Promise<void> {
    if (this.link) this.drop(this.link);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
