// The retry topology: a work queue, one delay queue per back-off level, and a parking queue.
//
//   publish ──▶ <name>.work ──(key <name>)──▶ <name>                     the work queue
//                  ▲                             │ rejected (nack, no requeue), or past the
//                  │                             │ quorum delivery limit: dead-lettered
//                  │                             ▼
//                  │                          <name>.dlx ──▶ <name>.parked   parking (a DLQ)
//                  │ expired: dead-lettered
//                  │ with key <name>
//   <name>.retry.1 (TTL d1) ◀──(key 1)── <name>.retry ◀── the consumer republishes a failed
//   <name>.retry.2 (TTL d2) ◀──(key 2)──                   message with the next level as key
//   ...
//
// Each delay queue holds messages of one delay only: RabbitMQ expires messages at the head of a
// queue, so one queue with per-message delays would hold a short delay behind a long one.
import type { Channel } from "../amqp";

export type RetryQueueType = "classic" | "quorum";

export interface RetryTopologyOptions {
  /** Base name: the work queue is called this, everything else `<name>.something`. */
  name: string;
  /** One delay queue per entry: how long a message waits before retry 1, 2, ... (ms). */
  delaysMs: readonly number[];
  /** "quorum" makes the work queue a quorum queue (durable by force). Default "classic". */
  queueType?: RetryQueueType;
  /** Quorum only: the broker dead-letters (parks) a message redelivered more often than this. */
  deliveryLimit?: number;
  /** Durable queues and exchanges (survive a broker restart). Default true. */
  durable?: boolean;
}

export interface DelayLevel {
  /** 1 for the first retry. */
  level: number;
  queue: string;
  /** The routing key on the retry exchange that reaches this queue. */
  routingKey: string;
  delayMs: number;
}

export interface RetryTopology {
  name: string;
  /** Where publishers send work: a direct exchange. */
  exchange: string;
  /** The key that routes to the work queue (also the delay queues' dead-letter routing key). */
  routingKey: string;
  /** The work queue consumers read. */
  queue: string;
  /** Direct exchange in front of the delay queues; routing key = level number. */
  retryExchange: string;
  delays: DelayLevel[];
  /** The work queue's dead-letter exchange (fanout) and the queue it fills. */
  deadLetterExchange: string;
  parkingQueue: string;
  /** Attempts in all: the first delivery plus one per delay level. */
  maxAttempts: number;
  queueType: RetryQueueType;
  durable: boolean;
}

/** Names and settings of the topology, without touching a broker. */
export function planRetryTopology(options: RetryTopologyOptions): RetryTopology {
  const { name, delaysMs } = options;
  if (!name) throw new Error("a retry topology needs a name, e.g. { name: \"orders\", delaysMs: [20, 40, 80] }");
  for (const d of delaysMs) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`delays are whole milliseconds ≥ 0; got ${d}`);
  }
  const queueType = options.queueType ?? "classic";
  if (options.deliveryLimit !== undefined && queueType !== "quorum") {
    throw new Error("deliveryLimit needs queueType: \"quorum\" (classic queues in RabbitMQ 3.10 have no delivery limit)");
  }
  return {
    name,
    exchange: `${name}.work`,
    routingKey: name,
    queue: name,
    retryExchange: `${name}.retry`,
    delays: delaysMs.map((delayMs, i) => ({ level: i + 1, queue: `${name}.retry.${i + 1}`, routingKey: String(i + 1), delayMs })),
    deadLetterExchange: `${name}.dlx`,
    parkingQueue: `${name}.parked`,
    maxAttempts: delaysMs.length + 1,
    queueType,
    // Quorum queues must be durable.
    durable: queueType === "quorum" ? true : (options.durable ?? true),
  };
}

/** Declares (idempotently) every exchange, queue and binding of the topology. */
export async function declareRetryTopology(ch: Channel, options: RetryTopologyOptions): Promise<RetryTopology> {
  const t = planRetryTopology(options);
  const durable = t.durable;
  await ch.assertExchange(t.exchange, "direct", { durable });
  await ch.assertExchange(t.retryExchange, "direct", { durable });
  await ch.assertExchange(t.deadLetterExchange, "fanout", { durable });

  const workArgs: Record<string, unknown> = { "x-dead-letter-exchange": t.deadLetterExchange };
  if (t.queueType === "quorum") workArgs["x-queue-type"] = "quorum";
  if (options.deliveryLimit !== undefined) workArgs["x-delivery-limit"] = options.deliveryLimit;
  await ch.assertQueue(t.queue, { durable, arguments: workArgs });
  await ch.bindQueue(t.queue, t.exchange, t.routingKey);

  for (const level of t.delays) {
    await ch.assertQueue(level.queue, {
      durable,
      arguments: {
        "x-message-ttl": level.delayMs,
        "x-dead-letter-exchange": t.exchange,
        "x-dead-letter-routing-key": t.routingKey,
      },
    });
    await ch.bindQueue(level.queue, t.retryExchange, level.routingKey);
  }

  await ch.assertQueue(t.parkingQueue, { durable });
  await ch.bindQueue(t.parkingQueue, t.deadLetterExchange, "");
  return t;
}

/** Deletes every queue and exchange of the topology (their messages too). */
export async function deleteRetryTopology(ch: Channel, t: RetryTopology): Promise<void> {
  for (const q of [t.queue, ...t.delays.map((d) => d.queue), t.parkingQueue]) await ch.deleteQueue(q);
  for (const e of [t.exchange, t.retryExchange, t.deadLetterExchange]) await ch.deleteExchange(e);
}
