/**
 * Queue client for NATS JetStream (the `nats` package, pure JavaScript): one connection per
 * worker, bound to its node (no reconnecting elsewhere, no cluster discovery), reopened
 * after any failure. The queue is a stream and one durable pull consumer shared by every
 * worker (work-queue style: each message goes to one of them).
 *
 *  - enqueue: a JetStream publish, which waits for the stream's acknowledgement (stored on
 *    a quorum of its replicas); ok then. No responders (nobody took the message) and an
 *    error answered by the stream are `fail`; a timeout or a dropped connection is `info`.
 *    The value is also the message id, so the stream would drop a resend as a duplicate.
 *  - dequeue: one message from the consumer (a pull with expiry); ok with its value,
 *    `fail` "empty" when none came. It is acknowledged only after the runner has written
 *    the value to the history (on the next turn of the event loop); when the op was cut off
 *    by its timeout the value is not recorded, so it is negatively acknowledged instead
 *    and redelivered at once. A failed dequeue acknowledged nothing: `fail`.
 *  - drain: messages until none comes or the op's time budget is spent, acknowledged the
 *    same way. A drain that received nothing reports the queue empty only if the consumer
 *    also has nothing pending and nothing awaiting an acknowledgement (a message handed to
 *    a worker that died comes back after the ack wait); otherwise it fails, saying so.
 * Values received are `{value, redelivered: true}` when JetStream says it delivered the
 * message before.
 */
import { AckPolicy, connect, DeliverPolicy, nanos, RetentionPolicy, StorageType, type Consumer, type JetStreamManager, type JsMsg, type NatsConnection, type NatsError } from 'nats';
import type { Client, ClientResult } from './client.js';
import { failure } from './outcome.js';
import type { TestRuntime } from '../cluster/test-runtime.js';
import { FaultlineError } from '../core/errors.js';
import { afterRecorded, errorText as message, QueueClient, receivedValue } from './queue-client.js';

interface NatsQueueOptions {
  stream: string;
  subject: string;
  consumer: string;
  replicas: number;
  /** How long a delivered message may go unacknowledged before JetStream redelivers it. */
  ackWaitMs: number;
  /** How long setup may take to create the stream (the cluster must have formed). */
  setupTimeoutMs: number;
}

interface Link {
  nc: NatsConnection;
  consumer?: Consumer;
  broken: boolean;
}

const CONNECT_TIMEOUT_MS = 1000;

export class NatsQueueClient extends QueueClient<Link> {
  constructor(
    private readonly o: NatsQueueOptions,
    private readonly address?: { host: string; port: number },
  ) {
    super();
  }

  async open(test: TestRuntime, node: string): Promise<Client> {
    return new NatsQueueClient(this.o, test.cluster.address(node));
  }

  /** Creates the stream and the durable consumer, retrying (bounded) while the cluster forms. */
  async setup(): Promise<void> {
    const deadline = Date.now() + this.o.setupTimeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      let link: Link | undefined;
      try {
        link = await this.connect();
        const jsm = await link.nc.jetstreamManager({ timeout: 5000 });
        await this.createStream(jsm);
        await jsm.consumers.add(this.o.stream, {
          durable_name: this.o.consumer,
          ack_policy: AckPolicy.Explicit,
          ack_wait: nanos(this.o.ackWaitMs),
          deliver_policy: DeliverPolicy.All,
          max_deliver: -1,
        });
        return;
      } catch (e) {
        last = message(e);
        if (link) this.drop(link);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    throw new FaultlineError(`nats: could not create stream ${this.o.stream} with ${this.o.replicas} replica(s) within ${this.o.setupTimeoutMs / 1000} s (${last}); see the nodes' logs`);
  }

  private async createStream(jsm: JetStreamManager): Promise<void> {
    const config = {
      name: this.o.stream,
      subjects: [this.o.subject],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      num_replicas: this.o.replicas,
    };
    try {
      await jsm.streams.add(config);
    } catch (e) {
      // A retried setup may find the stream its first attempt created.
      if (!/already in use/i.test(message(e))) throw e;
    }
  }

  protected async openLink(): Promise<Link> {
    if (!this.address) throw new Error('client not opened');
    const nc = await connect({
      servers: `${this.address.host}:${this.address.port}`,
      reconnect: false,
      ignoreClusterUpdates: true,
      noRandomize: true,
      timeout: CONNECT_TIMEOUT_MS,
      pingInterval: 2000,
      maxPingOut: 2,
    });
    const link: Link = { nc, broken: false };
    void nc.closed().then(() => (link.broken = true));
    return link;
  }

  protected closeLink(link: Link): void {
    link.broken = true;
    link.nc.close().catch(() => undefined);
  }

  private async consumerOf(link: Link): Promise<Consumer> {
    link.consumer ??= await link.nc.jetstream().consumers.get(this.o.stream, this.o.consumer);
    return link.consumer;
  }

  protected async enqueue(link: Link, value: unknown, timeout: number): Promise<ClientResult> {
    try {
      await link.nc.jetstream().publish(this.o.subject, new TextEncoder().encode(String(value)), { msgID: String(value), timeout });
      return { type: 'ok', value };
    } catch (e) {
      const err = e as Partial<NatsError>;
      // 503: no server took the message (no stream leader listening). An API error is the
      // stream's own refusal. Both mean it was not stored.
      if (err.code === '503' || err.api_error !== undefined) return failure('refused', value, message(e));
      this.drop(link);
      return failure('no-answer', value, message(e));
    }
  }

  protected async dequeue(link: Link, signal: AbortSignal): Promise<ClientResult> {
    let m: JsMsg | null;
    try {
      m = await (await this.consumerOf(link)).next({ expires: 1000 });
    } catch (e) {
      this.drop(link);
      return { type: 'fail', value: null, error: message(e) };
    }
    if (m === null) return { type: 'fail', value: null, error: 'empty' };
    this.settle([m], signal);
    return { type: 'ok', value: received(m) };
  }

  protected async drain(link: Link, signal: AbortSignal, budgetMs: number): Promise<ClientResult> {
    const deadline = Date.now() + budgetMs;
    const got: JsMsg[] = [];
    try {
      const consumer = await this.consumerOf(link);
      while (Date.now() + 1000 < deadline && !signal.aborted) {
        const m = await consumer.next({ expires: 1000 });
        if (m === null) break;
        got.push(m);
      }
      if (got.length === 0) {
        const info = await consumer.info();
        if (info.num_pending > 0 || info.num_ack_pending > 0) {
          return { type: 'fail', value: null, error: `nothing delivered, but ${info.num_pending} pending and ${info.num_ack_pending} awaiting acknowledgement` };
        }
      }
    } catch (e) {
      // Nothing was acknowledged: what was received is handed back (or comes back after
      // the ack wait, if the connection is gone).
      this.settle(got, AbortSignal.abort());
      this.drop(link);
      return { type: 'fail', value: null, error: `after ${got.length} message(s): ${message(e)}` };
    }
    this.settle(got, signal);
    return { type: 'ok', value: got.map(received) };
  }

  /** Acknowledges once recorded, else hands back for redelivery at once. */
  private settle(msgs: readonly JsMsg[], signal: AbortSignal): void {
    if (msgs.length === 0) return;
    afterRecorded(signal, (recorded) => {
      for (const m of msgs) {
        try {
          if (recorded) m.ack();
          else m.nak();
        } catch {
          /* connection gone: JetStream redelivers after the ack wait */
        }
      }
    });
  }
}

function received(m: JsMsg): unknown {
  return receivedValue(m.data, m.redelivered);
}
