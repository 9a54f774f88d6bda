// The retry topology builder and its consumer wrapper, on the in-memory broker and (with
// AMQP_URL) on the live RabbitMQ: both must give the same outcomes.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BrokerConnection, ConfirmChannel } from "../../src/amqp";
import {
  PermanentFailure,
  consumeWithRetry,
  declareRetryTopology,
  deleteRetryTopology,
  inspectParked,
  planRetryTopology,
  replayParked,
  retryCount,
  waitUntil,
  type RetryOutcome,
  type RetryTopology,
} from "../../src/retry";
import { targets, uniqueName } from "./targets";

describe("planRetryTopology", () => {
  test("names one delay queue per level and counts the attempts", () => {
    const t = planRetryTopology({ name: "orders", delaysMs: [20, 40, 80] });
    expect(t.queue).toBe("orders");
    expect(t.exchange).toBe("orders.work");
    expect(t.parkingQueue).toBe("orders.parked");
    expect(t.delays).toEqual([
      { level: 1, queue: "orders.retry.1", routingKey: "1", delayMs: 20 },
      { level: 2, queue: "orders.retry.2", routingKey: "2", delayMs: 40 },
      { level: 3, queue: "orders.retry.3", routingKey: "3", delayMs: 80 },
    ]);
    expect(t.maxAttempts).toBe(4);
    expect(t.durable).toBe(true);
  });

  test("refuses what RabbitMQ would refuse, saying why", () => {
    expect(() => planRetryTopology({ name: "o", delaysMs: [1.5] })).toThrow(/whole milliseconds/);
    expect(() => planRetryTopology({ name: "o", delaysMs: [10], deliveryLimit: 3 })).toThrow(/quorum/);
    expect(() => planRetryTopology({ name: "", delaysMs: [] })).toThrow(/needs a name/);
    expect(planRetryTopology({ name: "o", delaysMs: [], queueType: "quorum", durable: false }).durable).toBe(true);
  });
});

describe.each(targets())("on the $label", (target) => {
  let conn: BrokerConnection;
  let ch: ConfirmChannel;
  const declared: RetryTopology[] = [];

  beforeAll(async () => {
    conn = await target.connect();
    ch = await conn.createConfirmChannel();
  });
  afterAll(async () => {
    const admin = await conn.createChannel();
    for (const t of declared) await deleteRetryTopology(admin, t);
    await conn.close();
  });

  async function topology(options: Partial<Parameters<typeof declareRetryTopology>[1]> = {}) {
    const t = await declareRetryTopology(ch, { name: uniqueName("retry"), delaysMs: [20, 40], durable: false, ...options });
    declared.push(t);
    return t;
  }

  test("declares queues and bindings, and declaring again changes nothing", async () => {
    const t = await topology({ delaysMs: [20, 40, 80] });
    await declareRetryTopology(ch, { name: t.name, delaysMs: [20, 40, 80], durable: false });
    for (const q of [t.queue, t.parkingQueue, ...t.delays.map((d) => d.queue)]) {
      expect((await ch.checkQueue(q)).messageCount).toBe(0);
    }
    // A message sent to level 2 comes back to the work queue after its delay.
    ch.publish(t.retryExchange, "2", Buffer.from("x"));
    await ch.waitForConfirms();
    await waitUntil(async () => (await ch.checkQueue(t.queue)).messageCount === 1, { what: "the delayed message" });
    const back = await ch.get(t.queue, { noAck: true });
    expect(back && back.properties.headers?.["x-death"]?.[0]).toMatchObject({ queue: t.delays[1].queue, reason: "expired", count: 1 });
  });

  test("acks, retries with the level's delay, then parks with the retry count", async () => {
    const t = await topology({ delaysMs: [20, 40] });
    const outcomes: RetryOutcome[] = [];
    const flakyCalls: number[] = [];
    const worker = await conn.createConfirmChannel();
    await consumeWithRetry(
      worker,
      t,
      (msg, attempt) => {
        const body = msg.content.toString();
        if (body === "flaky") flakyCalls.push(performance.now());
        if (body === "poison") throw new Error("cannot parse");
        if (body === "flaky" && attempt < 3) throw new Error("try later");
      },
      { onOutcome: (o) => outcomes.push(o) },
    );
    const start = performance.now();
    for (const body of ["ok", "flaky", "poison"]) ch.publish(t.exchange, t.routingKey, Buffer.from(body), { messageId: body, headers: { tenant: "a" } });
    await ch.waitForConfirms();
    await waitUntil(() => outcomes.filter((o) => o.action !== "retried").length === 3, { what: "three final outcomes" });

    const of = (id: string) => outcomes.filter((o) => o.messageId === id).map((o) => `${o.action}@${o.attempt}`);
    expect(of("ok")).toEqual(["acked@1"]);
    expect(of("flaky")).toEqual(["retried@1", "retried@2", "acked@3"]);
    expect(of("poison")).toEqual(["retried@1", "retried@2", "parked@3"]);
    // The delay runs from the republish, which comes after the handler's call: calls are at
    // least a delay apart (outcomes are reported after the confirm, which may come late).
    expect(flakyCalls[1] - flakyCalls[0]).toBeGreaterThanOrEqual(20 - 1);
    expect(flakyCalls[2] - flakyCalls[1]).toBeGreaterThanOrEqual(40 - 1);
    expect(flakyCalls[2] - start).toBeLessThan(2000);

    await waitUntil(async () => (await ch.checkQueue(t.parkingQueue)).messageCount === 1, { what: "the parked message" });
    const [parked] = await inspectParked(ch, t);
    expect(parked).toEqual({ messageId: "poison", body: "poison", retries: 2, reason: "rejected", queue: t.queue, replayed: 0 });
    // Inspecting leaves it where it was.
    expect((await ch.checkQueue(t.parkingQueue)).messageCount).toBe(1);
    await worker.close();
  });

  test("a retried copy keeps the message's properties and drops the broker's headers", async () => {
    const t = await topology({ delaysMs: [20] });
    const seen: { attempt: number; headers: Record<string, unknown>; messageId: string; persistent: boolean }[] = [];
    const worker = await conn.createConfirmChannel();
    await consumeWithRetry(worker, t, (msg, attempt) => {
      seen.push({ attempt, headers: { ...msg.properties.headers }, messageId: msg.properties.messageId, persistent: msg.properties.deliveryMode === 2 });
      if (attempt === 1) throw new Error("once");
    });
    ch.publish(t.exchange, t.routingKey, Buffer.from("p"), { messageId: "m-1", persistent: true, headers: { tenant: "b" } });
    await waitUntil(() => seen.length === 2, { what: "the retry" });
    expect(seen[1]).toMatchObject({ attempt: 2, messageId: "m-1", persistent: true, headers: { tenant: "b", "retry-count": 1 } });
    // One x-death entry: the delay queue's expiry, none carried over from the first copy.
    expect(seen[1].headers["x-death"]).toHaveLength(1);
    await worker.close();
  });

  test("a PermanentFailure is parked at once", async () => {
    const t = await topology();
    const outcomes: RetryOutcome[] = [];
    const worker = await conn.createConfirmChannel();
    await consumeWithRetry(worker, t, () => { throw new PermanentFailure("malformed"); }, { onOutcome: (o) => outcomes.push(o) });
    ch.publish(t.exchange, t.routingKey, Buffer.from("bad"), { messageId: "bad" });
    await waitUntil(() => outcomes.length === 1, { what: "the outcome" });
    expect(outcomes[0]).toMatchObject({ action: "parked", attempt: 1, error: "malformed" });
    await worker.close();
  });

  test("replayParked sends chosen messages back with a fresh count; the rest stay parked", async () => {
    const t = await topology();
    for (const id of ["a", "b", "c"]) ch.publish(t.deadLetterExchange, "", Buffer.from(id), { messageId: id, headers: { "retry-count": 2 } });
    await ch.waitForConfirms();
    await waitUntil(async () => (await ch.checkQueue(t.parkingQueue)).messageCount === 3, { what: "three parked" });
    expect(await replayParked(ch, t, { filter: (m) => m.messageId !== "b" })).toBe(2);
    expect((await ch.checkQueue(t.parkingQueue)).messageCount).toBe(1);
    const back = [await ch.get(t.queue, { noAck: true }), await ch.get(t.queue, { noAck: true })];
    expect(back.map((m) => m && m.properties.messageId)).toEqual(["a", "c"]);
    expect(back.map((m) => m && [retryCount(m), m.properties.headers?.replayed])).toEqual([[0, 1], [0, 1]]);
    expect((await inspectParked(ch, t)).map((m) => m.messageId)).toEqual(["b"]);
  });

  test("a quorum work queue parks a message requeued past its delivery limit", async () => {
    const t = await topology({ queueType: "quorum", deliveryLimit: 2, delaysMs: [] });
    const worker = await conn.createChannel();
    let deliveries = 0;
    await worker.consume(t.queue, (msg) => {
      if (!msg) return;
      deliveries++;
      worker.nack(msg, false, true); // the hot loop a delivery limit stops
    });
    ch.publish(t.exchange, t.routingKey, Buffer.from("loop"), { messageId: "loop" });
    await waitUntil(async () => (await ch.checkQueue(t.parkingQueue)).messageCount === 1, { what: "the parked message" });
    expect(deliveries).toBe(3);
    const [parked] = await inspectParked(ch, t);
    expect(parked).toMatchObject({ messageId: "loop", reason: "delivery_limit", queue: t.queue });
    await worker.close();
  });
});
