// The parking queue is a dead-letter queue people look into: what is in it, why, and, once the
// cause is fixed, send it back to work.
import type { Channel, ConfirmChannel, GetMessage, XDeath } from "../amqp";
import { RETRY_COUNT_HEADER, publishConfirmed, republishOptions, retryCount } from "./consumer";
import type { RetryTopology } from "./topology";
import { waitUntil } from "./wait";

/** How many times a message was sent back from the parking queue. */
export const REPLAYED_HEADER = "replayed";

export type ParkedMessage = {
  messageId: string | undefined;
  body: string;
  /** Retries it had been through when it was parked (the retry-count header). */
  retries: number;
  /** Why the work queue dead-lettered it: "rejected" (the consumer gave up) or "delivery_limit". */
  reason: string | undefined;
  /** The queue it died in. */
  queue: string | undefined;
  /** Times it was replayed from the parking queue before. */
  replayed: number;
};

function describeParked(message: GetMessage): ParkedMessage {
  const headers = message.properties.headers ?? {};
  const last = ((headers["x-death"] ?? []) as XDeath[])[0];
  return {
    messageId: message.properties.messageId,
    body: message.content.toString(),
    retries: retryCount(message),
    reason: last?.reason,
    queue: last?.queue,
    replayed: Number(headers[REPLAYED_HEADER] ?? 0),
  };
}

/** Reads up to `limit` parked messages without removing them (they go back in their order). */
export async function inspectParked(ch: Channel, t: RetryTopology, limit = 100): Promise<ParkedMessage[]> {
  const taken: GetMessage[] = [];
  for (let i = 0; i < limit; i++) {
    const message = await ch.get(t.parkingQueue, { noAck: false });
    if (!message) break;
    taken.push(message);
  }
  // Requeued together once all are read, so the same message is not read twice.
  await requeue(ch, t.parkingQueue, taken);
  return taken.map(describeParked);
}

export interface ReplayOptions {
  /** Replay only these (default: all). Messages not chosen stay parked. */
  filter?: (message: ParkedMessage) => boolean;
  limit?: number;
}

/**
 * Sends parked messages back to the work queue with a fresh retry count, each confirmed by the
 * broker before it leaves the parking queue. Resolves to the number replayed.
 */
export async function replayParked(ch: ConfirmChannel, t: RetryTopology, options: ReplayOptions = {}): Promise<number> {
  const keep: GetMessage[] = [];
  let replayed = 0;
  for (let i = 0; i < (options.limit ?? 1000); i++) {
    const message = await ch.get(t.parkingQueue, { noAck: false });
    if (!message) break;
    const parked = describeParked(message);
    if (options.filter && !options.filter(parked)) {
      keep.push(message);
      continue;
    }
    const copy = republishOptions(message, { [RETRY_COUNT_HEADER]: 0, [REPLAYED_HEADER]: parked.replayed + 1 });
    await publishConfirmed(ch, t.exchange, t.routingKey, message.content, copy);
    ch.ack(message);
    replayed++;
  }
  await requeue(ch, t.parkingQueue, keep);
  return replayed;
}

/**
 * Puts messages back and waits (up to a second) until the queue counts them again: RabbitMQ
 * applies a requeue asynchronously, so a count taken right after the nack may not include it.
 */
async function requeue(ch: Channel, queue: string, messages: GetMessage[]): Promise<void> {
  if (!messages.length) return;
  const before = (await ch.checkQueue(queue)).messageCount;
  for (const message of messages) ch.nack(message, false, true);
  await waitUntil(async () => (await ch.checkQueue(queue)).messageCount >= before + messages.length, { timeoutMs: 1000 }).catch(() => undefined);
}
