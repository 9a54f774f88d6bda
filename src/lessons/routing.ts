// "Which queue got which message?" for lesson 01: publish a set of test messages through an
// exchange, then empty the queues and tabulate who received what.
import type { BrokerConnection } from "../amqp";
import type { Row } from "./table";

export interface TestMessage {
  /** The routing key. */
  key: string;
  /** Headers, for a headers exchange. */
  headers?: Record<string, string | number | boolean>;
}

/**
 * Publishes each message through `exchange` on a confirm channel of its own, waits until the
 * broker has routed them all, then takes every message out of `queues` (so run it on queues
 * nobody else consumes from). One row per message: its key (and headers), then one column
 * per queue, "✓" where that queue received a copy, and "dropped" when no queue did.
 */
export async function routeAll(
  conn: BrokerConnection,
  exchange: string,
  messages: readonly (string | TestMessage)[],
  queues: readonly string[],
): Promise<Row[]> {
  const ch = await conn.createConfirmChannel();
  ch.on("error", () => undefined); // a failure shows as the rejected promise below
  try {
    const sent = messages.map((m) => (typeof m === "string" ? { key: m } : m));
    sent.forEach((m, i) => ch.publish(exchange, m.key, Buffer.from(String(i)), { headers: m.headers }));
    await ch.waitForConfirms();
    const received = new Map<string, Set<number>>();
    for (const queue of queues) {
      const got = new Set<number>();
      for (let m = await ch.get(queue, { noAck: true }); m; m = await ch.get(queue, { noAck: true })) got.add(Number(m.content.toString()));
      received.set(queue, got);
    }
    return sent.map((m, i) => {
      const row: Row = { "routing key": m.key === "" ? '""' : m.key };
      if (m.headers) row.headers = Object.entries(m.headers).map(([k, v]) => `${k}=${v}`).join(", ");
      for (const queue of queues) row[queue] = received.get(queue)!.has(i) ? "✓" : "";
      const copies = queues.filter((q) => received.get(q)!.has(i)).length;
      row.copies = copies === 0 ? "dropped" : String(copies);
      return row;
    });
  } finally {
    await ch.close().catch(() => undefined);
  }
}
