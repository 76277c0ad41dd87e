/**
 * Queue client for RabbitMQ over AMQP 0-9-1 (amqplib, pure JavaScript): one connection and
 * one confirm channel per worker, bound to its node, reopened after any failure (see
 * queue-client.ts for what every queue client shares).
 *
 *  - enqueue: a persistent message (the value as text) to the queue through the default
 *    exchange, on a channel in confirm mode; ok once the broker confirms it. A failure
 *    before the publish left this client is `fail`; after it, `info` (a nack too: the
 *    broker gives no promise about a nacked message).
 *  - dequeue: basic.get without auto-ack; ok with the value, `fail` "empty" when there is
 *    none. The message is acknowledged only after the value is in the history; if the
 *    runner cut the op off, it is handed back instead. A failed dequeue acknowledged
 *    nothing (whatever it may have received goes back with the channel): `fail`.
 *  - drain: basic.get until the queue is empty or the op's time budget is spent; ok with
 *    every value, acknowledged the same way. One that fails part-way returns `fail`: it
 *    acknowledged nothing, and the messages go back.
 * Received values are `{value, redelivered: true}` when RabbitMQ flags the delivery as a
 * redelivery (the checker does not judge those for order).
 */
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import type { Client, ClientResult } from './client.js';
import { failure, notSent } from './outcome.js';
import type { TestRuntime } from '../cluster/test-runtime.js';
import { FaultlineError } from '../core/errors.js';
import { afterRecorded, errorText, QueueClient, receivedValue } from './queue-client.js';

interface RabbitmqQueueOptions {
  queue: string;
  /** Declares the queue (idempotent); called once by `setup` on the first node's client. */
  declare(channel: Channel): Promise<void>;
  /** Runs once before the queue is declared (checking that the cluster formed). */
  prepare?(test: TestRuntime): Promise<void>;
}

interface Link {
  model: ChannelModel;
  channel: ConfirmChannel;
  broken: boolean;
}

const CONNECT_TIMEOUT_MS = 1000;

export class RabbitmqQueueClient extends QueueClient<Link> {
  constructor(
    private readonly o: RabbitmqQueueOptions,
    private readonly address?: { host: string; port: number },
  ) {
    super();
  }

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
      throw new FaultlineError(`rabbitmq: declaring queue ${this.o.queue} failed: ${errorText(e)}`);
    }
  }

  protected async openLink(): Promise<Link> {
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
      this.closeLink(link);
      throw e;
    }
    link.channel.on('error', () => (link.broken = true));
    link.channel.on('close', () => (link.broken = true));
    return link;
  }

  protected closeLink(link: Link): void {
    link.broken = true;
    link.model.close().catch(() => undefined);
  }

  protected async enqueue(link: Link, value: unknown): Promise<ClientResult> {
    const body = Buffer.from(String(value), 'utf8');
    if (link.broken) return notSent(value, 'the connection closed');
    try {
      await new Promise<void>((resolve, reject) => {
        link.channel.sendToQueue(this.o.queue, body, { persistent: true, messageId: String(value) }, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
      });
      return { type: 'ok', value };
    } catch (e) {
      this.drop(link);
      return failure('no-answer', value, errorText(e));
    }
  }

  protected async dequeue(link: Link, signal: AbortSignal): Promise<ClientResult> {
    let msg: GetMessage | false;
    try {
      msg = await link.channel.get(this.o.queue, { noAck: false });
    } catch (e) {
      this.drop(link);
      return { type: 'fail', value: null, error: errorText(e) };
    }
    if (msg === false) return { type: 'fail', value: null, error: 'empty' };
    this.settle(link, [msg], signal);
    return { type: 'ok', value: receivedValue(msg.content, msg.fields.redelivered) };
  }

  protected async drain(link: Link, signal: AbortSignal, budgetMs: number): Promise<ClientResult> {
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
      return { type: 'fail', value: null, error: `after ${got.length} message(s): ${errorText(e)}` };
    }
    this.settle(link, got, signal);
    return { type: 'ok', value: got.map((m) => receivedValue(m.content, m.fields.redelivered)) };
  }

  /** Acknowledges (all up to the last: they are this op's) once recorded, else hands back. */
  private settle(link: Link, msgs: readonly GetMessage[], signal: AbortSignal): void {
    if (msgs.length === 0) return;
    afterRecorded(signal, (recorded) => {
      if (link.broken) return; // the channel is gone; RabbitMQ requeues its unacked messages
      try {
        if (recorded) link.channel.ack(msgs[msgs.length - 1]!, true);
        else for (const m of msgs) link.channel.nack(m, false, true);
      } catch {
        this.drop(link);
      }
    });
  }
}
