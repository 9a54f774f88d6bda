// Small helpers shared by the scenario files (not a scenario module itself: the catalog only
// loads files under scenarios/).
import type { BrokerConnection, Channel, Message, Options } from "../../src/amqp";
import type { ScenarioContext } from "./harness";

/** The bodies of the given messages, in order. */
export function bodies(messages: Message[]): string[] {
  return messages.map((m) => m.content.toString());
}

/** Takes every ready message out of `queue` with basic.get (noAck) and returns their bodies. */
export async function drain(ch: Channel, queue: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const msg = await ch.get(queue, { noAck: true });
    if (!msg) return out;
    out.push(msg.content.toString());
  }
}

/** Publishes each body in turn with the same routing key. */
export function publishAll(ch: Channel, exchange: string, routingKey: string, items: string[]): void {
  for (const body of items) ch.publish(exchange, routingKey, Buffer.from(body));
}

/**
 * An untraced channel for polling (for example a passive declare that may fail while the
 * broker is still tearing a queue down). Its errors are swallowed so they never reach the trace.
 */
export async function quietChannel(conn: BrokerConnection): Promise<Channel> {
  const ch = await conn.createChannel();
  ch.on("error", () => undefined);
  return ch;
}

/** Whether the queue exists, asked on a throw-away untraced channel. */
export async function queueExists(conn: BrokerConnection, queue: string): Promise<boolean> {
  const ch = await quietChannel(conn);
  try {
    await ch.checkQueue(queue);
    await ch.close().catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}

/** Polls (untraced) until the queue holds `n` ready messages. */
export async function waitForReady(t: ScenarioContext, conn: BrokerConnection, queue: string, n: number): Promise<void> {
  const ch = await quietChannel(conn);
  await t.waitFor(async () => (await ch.checkQueue(queue)).messageCount === n, 5000, `${n} ready in ${queue}`);
  await ch.close().catch(() => undefined);
}

/** Polls (untraced) until the queue no longer exists. */
export async function waitForQueueGone(t: ScenarioContext, conn: BrokerConnection, queue: string): Promise<void> {
  await t.waitFor(async () => !(await queueExists(conn, queue)), 5000, `${queue} to be deleted`);
}

/** A stand-in message for acking a delivery tag that was never delivered on this channel. */
export function fakeDelivery(deliveryTag: number): Message {
  return { content: Buffer.alloc(0), fields: { deliveryTag } as Message["fields"], properties: {} as Message["properties"] };
}

export interface BriefDelivery {
  body: string;
  deliveryTag: number;
  redelivered: boolean;
}

/** Body, delivery tag and redelivered flag of a delivery: what ordering scenarios trace. */
export function brief(msg: Message): BriefDelivery {
  return { body: msg.content.toString(), deliveryTag: msg.fields.deliveryTag, redelivered: msg.fields.redelivered };
}

/** Like `drain`, but keeps the delivery tag and redelivered flag of each message. */
export async function drainBrief(ch: Channel, queue: string): Promise<BriefDelivery[]> {
  const out: BriefDelivery[] = [];
  for (;;) {
    const msg = await ch.get(queue, { noAck: true });
    if (!msg) return out;
    out.push(brief(msg));
  }
}

/** Gets `n` messages without acknowledging them (they stay unacked on `ch`). */
export async function getUnacked(ch: Channel, queue: string, n: number): Promise<Message[]> {
  const out: Message[] = [];
  for (let i = 0; i < n; i++) {
    const msg = await ch.get(queue, { noAck: false });
    if (!msg) throw new Error(`expected ${n} messages in ${queue}, got ${i}`);
    out.push(msg);
  }
  return out;
}

/** Sends each body to the queue through the default exchange. */
export function sendAll(ch: Channel, queue: string, items: string[]): void {
  for (const body of items) ch.sendToQueue(queue, Buffer.from(body));
}

/**
 * The usual dead-letter setup: a fanout dead-letter exchange "dlx" feeding queue "dlq", and a
 * transient work queue that dead-letters to it (with any further queue options).
 */
export async function workQueueWithDeadLetterQueue(
  t: ScenarioContext,
  ch: Channel,
  label: string,
  options: Options.AssertQueue = {},
): Promise<{ dlx: string; dlq: string; q: string }> {
  const dlx = t.exchangeName("dlx");
  const dlq = t.queueName("dlq");
  const q = t.queueName(label);
  await ch.assertExchange(dlx, "fanout", { durable: false });
  await ch.assertQueue(dlq, { durable: false });
  await ch.bindQueue(dlq, dlx, "");
  await ch.assertQueue(q, { durable: false, deadLetterExchange: dlx, ...options });
  return { dlx, dlq, q };
}
