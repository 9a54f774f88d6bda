// One consumer wrapper for the retry topology: the handler's outcome decides what happens to
// the message.
//   handler resolves          -> ack
//   handler throws, attempts
//   left                      -> republish to the next delay queue (header retry-count + 1),
//                                wait for the broker's confirm, then ack the original
//   handler throws the last
//   time, or PermanentFailure -> nack without requeue: the work queue dead-letters it to the
//                                parking queue (one broker operation, nothing to lose)
//
// The attempt counter is the application's own header, not x-death: RabbitMQ 3.13 and later
// ignore an x-death header that a client publishes, and x-death counts per (queue, reason),
// so a message that went through three different delay queues has three entries of count 1.
import type { ConfirmChannel, ConsumeMessage, Message, Options, XDeath } from "../amqp";
import type { RetryTopology } from "./topology";

/** The application's own attempt counter: how many retries this copy has been through. */
export const RETRY_COUNT_HEADER = "retry-count";

/** Throw this from a handler for a message that no retry can fix (malformed, not allowed). */
export class PermanentFailure extends Error {
  override readonly name = "PermanentFailure";
}

export interface RetryOutcome {
  action: "acked" | "retried" | "parked";
  /** 1 for the first delivery, 2 for the first retry, ... */
  attempt: number;
  messageId: string | undefined;
  /** For "retried": the delay level the message went to and its delay. */
  level?: number;
  delayMs?: number;
  /** For "retried" and "parked": what the handler threw. */
  error?: string;
  /** performance.now() when the outcome was decided. */
  at: number;
}

export interface RetryConsumerOptions {
  /** Unacknowledged messages this consumer may hold at once (default 10). */
  prefetch?: number;
  /** Called for every message once its fate is decided. */
  onOutcome?: (outcome: RetryOutcome, message: ConsumeMessage) => void;
}

export interface RetryConsumer {
  consumerTag: string;
  cancel(): Promise<void>;
}

export type RetryHandler = (message: ConsumeMessage, attempt: number) => unknown;

/** The value of the retry-count header (0 on a first delivery). */
export function retryCount(message: Message): number {
  const value = Number(message.properties.headers?.[RETRY_COUNT_HEADER] ?? 0);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** Sum of the x-death counts, optionally only those of one queue and/or reason. */
export function deathCount(message: Message, filter: { queue?: string; reason?: string } = {}): number {
  const deaths = (message.properties.headers?.["x-death"] ?? []) as XDeath[];
  return deaths
    .filter((d) => (filter.queue === undefined || d.queue === filter.queue) && (filter.reason === undefined || d.reason === filter.reason))
    .reduce((sum, d) => sum + Number(d.count), 0);
}

/** The x-death entries in a line: "orders.retry.1 expired ×1, orders rejected ×2" (newest first). */
export function describeDeaths(message: Message): string {
  const deaths = (message.properties.headers?.["x-death"] ?? []) as XDeath[];
  return deaths.length ? deaths.map((d) => `${d.queue} ${d.reason} ×${d.count}`).join(", ") : "(no x-death)";
}

/** Headers the broker writes; a republished copy leaves them out so the broker starts afresh. */
const BROKER_HEADERS = /^x-(death|first-death-|last-death-|delivery-count$)/;

/** The message's properties as publish options, with the broker's own headers removed. */
export function republishOptions(message: Message, extraHeaders: Record<string, unknown> = {}): Options.Publish {
  const p = message.properties;
  const headers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p.headers ?? {})) if (!BROKER_HEADERS.test(key)) headers[key] = value;
  return {
    contentType: p.contentType,
    contentEncoding: p.contentEncoding,
    deliveryMode: p.deliveryMode,
    priority: p.priority,
    correlationId: p.correlationId,
    replyTo: p.replyTo,
    messageId: p.messageId,
    timestamp: p.timestamp,
    type: p.type,
    appId: p.appId,
    headers: { ...headers, ...extraHeaders },
  };
}

/** Publishes and resolves once the broker confirms; rejects when it nacks or the channel closes. */
export function publishConfirmed(ch: ConfirmChannel, exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
  return new Promise((resolve, reject) => {
    ch.publish(exchange, routingKey, content, options, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
  });
}

/**
 * Consumes the topology's work queue with `handler`: acks what it handles, retries what it
 * throws on through the delay queues, parks what still fails after the last level.
 */
export async function consumeWithRetry(
  ch: ConfirmChannel,
  t: RetryTopology,
  handler: RetryHandler,
  options: RetryConsumerOptions = {},
): Promise<RetryConsumer> {
  await ch.prefetch(options.prefetch ?? 10);
  const report = (message: ConsumeMessage, outcome: Omit<RetryOutcome, "at" | "messageId">) =>
    options.onOutcome?.({ ...outcome, messageId: message.properties.messageId, at: performance.now() }, message);

  const settle = async (message: ConsumeMessage) => {
    const retries = retryCount(message);
    const attempt = retries + 1;
    try {
      await handler(message, attempt);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const next = t.delays[retries];
      if (err instanceof PermanentFailure || !next) {
        ch.nack(message, false, false);
        report(message, { action: "parked", attempt, error });
        return;
      }
      const copy = republishOptions(message, { [RETRY_COUNT_HEADER]: retries + 1 });
      await publishConfirmed(ch, t.retryExchange, next.routingKey, message.content, copy);
      ch.ack(message);
      report(message, { action: "retried", attempt, level: next.level, delayMs: next.delayMs, error });
      return;
    }
    ch.ack(message);
    report(message, { action: "acked", attempt });
  };

  const { consumerTag } = await ch.consume(t.queue, (message) => {
    // A closed channel (broker restart, crash) ends here: the broker requeues what was unacked.
    if (message) settle(message).catch(() => undefined);
  });
  return { consumerTag, cancel: async () => void (await ch.cancel(consumerTag)) };
}
