// Dead-lettering, as RabbitMQ 3.10's rabbit_dead_letter does it: the message is republished to
// the queue's dead-letter exchange with an x-death entry per (queue, reason), newest first, its
// expiration moved into the entry, and routed with the dead-letter routing key or its own keys.
import type { Fields } from "../../amqplib-internals";
import { properties, republish, routingKeys, type Message } from "../message";
import type { Queue } from "../queue";

export type DeadLetterReason = "rejected" | "expired" | "maxlen" | "delivery_limit";

type XDeath = Fields & { queue: string; reason: string; count: number };

export function deadLetter(queue: Queue, msg: Message, reason: DeadLetterReason): void {
  const dlx = queue.features.deadLetterExchange;
  if (dlx === undefined) return;
  const props = properties(msg);
  const headers: Fields = { ...((props.headers as Fields | undefined) ?? {}) };
  const deaths = groupByQueueAndReason((headers["x-death"] as XDeath[] | undefined) ?? []);
  if (!deaths.length) {
    headers["x-first-death-reason"] = reason;
    headers["x-first-death-queue"] = queue.name;
    headers["x-first-death-exchange"] = msg.exchange;
  }
  const index = deaths.findIndex((d) => d.queue === queue.name && d.reason === reason);
  if (index >= 0) {
    // One entry per queue and reason: a repeat only counts, and the entry moves to the front
    // keeping its first time, exchange and routing keys.
    const [repeat] = deaths.splice(index, 1);
    deaths.unshift({ ...repeat, count: repeat.count + 1 });
  } else {
    const death: XDeath = {
      count: 1,
      reason,
      queue: queue.name,
      time: { "!": "timestamp", value: Math.floor(Date.now() / 1000) },
      exchange: msg.exchange,
      // The publish's key and the CC keys still in the headers (BCC was stripped on publish).
      "routing-keys": [msg.routingKey, ...stringList(headers.CC)],
    };
    if (props.expiration !== undefined) death["original-expiration"] = props.expiration;
    deaths.unshift(death);
  }
  headers["x-death"] = deaths;
  const dlrk = queue.features.deadLetterRoutingKey;
  if (dlrk !== undefined) delete headers.CC;
  const keys = dlrk !== undefined ? [dlrk] : routingKeys(msg);
  // The message must not expire again on its way through the dead-letter queue.
  const rewritten = republish(msg, { ...props, headers, expiration: undefined }, dlx, keys);
  for (const target of queue.vhost.routeDeadLetter(dlx, rewritten)) {
    if (reason !== "rejected" && isCycle(target.name, deaths)) continue;
    target.enqueue(rewritten);
  }
}

/**
 * A message that comes back to a queue it already died in, with no rejection on the way, would
 * circle forever (e.g. two TTL queues dead-lettering to each other): RabbitMQ drops it.
 */
function isCycle(queueName: string, deaths: XDeath[]): boolean {
  const at = deaths.findIndex((d) => d.queue === queueName);
  if (at < 0) return false;
  return deaths.slice(0, at + 1).every((d) => d.reason !== "rejected");
}

/**
 * RabbitMQ 3.10 regroups existing entries by (queue, reason) before adding one, folding them into
 * a list it builds backwards: with two or more entries their order is reversed each time.
 */
function groupByQueueAndReason(deaths: XDeath[]): XDeath[] {
  if (deaths.length < 2) return deaths.slice();
  const seen = new Set<string>();
  const grouped: XDeath[] = [];
  for (const d of deaths) {
    const key = `${d.queue}\0${d.reason}`;
    if (!seen.has(key)) grouped.unshift(d);
    seen.add(key);
  }
  return grouped;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
