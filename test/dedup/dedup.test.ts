// The de-duplication store on its own (a clock of our own), and an idempotent consumer facing
// real redeliveries on the in-memory broker and (with AMQP_URL) on the live RabbitMQ.
import { describe, expect, test } from "vitest";
import type { Message } from "../../src/amqp";
import { DedupStore, StillInProgress, idempotent, messageKey } from "../../src/dedup";
import { waitUntil } from "../../src/retry";
import { targets, uniqueName } from "../retry/targets";

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe("DedupStore", () => {
  test("remembers keys, up to maxEntries, forgetting the oldest first", () => {
    const store = new DedupStore({ maxEntries: 2, maxAgeMs: 60_000 });
    store.remember("a");
    store.remember("b");
    store.remember("c");
    expect([store.has("a"), store.has("b"), store.has("c")]).toEqual([false, true, true]);
    expect(store.stats()).toMatchObject({ size: 2, evicted: 1, expired: 0 });
  });

  test("forgets keys older than maxAgeMs", () => {
    const c = clock();
    const store = new DedupStore({ maxEntries: 10, maxAgeMs: 100, now: c.now });
    store.remember("a");
    c.advance(60);
    store.remember("b");
    c.advance(50);
    expect([store.has("a"), store.has("b")]).toEqual([false, true]);
    c.advance(50);
    expect(store.size).toBe(0);
    expect(store.stats().expired).toBe(2);
  });

  test("remembering a key again makes it young again", () => {
    const c = clock();
    const store = new DedupStore({ maxEntries: 10, maxAgeMs: 100, now: c.now });
    store.remember("a");
    store.remember("b");
    c.advance(80);
    store.remember("a");
    c.advance(30);
    expect([store.has("a"), store.has("b")]).toEqual([true, false]);
  });

  test("once runs work once per key, and not at all while the first copy is running", async () => {
    const store = new DedupStore({ maxEntries: 10, maxAgeMs: 60_000 });
    let release = () => {};
    const slow = new Promise<void>((r) => (release = r));
    const first = store.once("k", () => slow.then(() => "done"));
    expect(await store.once("k", () => "again")).toEqual({ ran: false, reason: "in progress" });
    release();
    expect(await first).toEqual({ ran: true, value: "done" });
    expect(await store.once("k", () => "again")).toEqual({ ran: false, reason: "duplicate" });
    expect(store.stats()).toMatchObject({ firstSeen: 1, duplicates: 1 });
  });

  test("synchronous work is remembered at once: a duplicate in the same tick is a duplicate, not in progress", async () => {
    const store = new DedupStore({ maxEntries: 10, maxAgeMs: 60_000 });
    let runs = 0;
    const first = store.once("k", () => void runs++);
    const second = store.once("k", () => void runs++);
    expect([await first, await second]).toEqual([{ ran: true, value: undefined }, { ran: false, reason: "duplicate" }]);
    expect(runs).toBe(1);
  });

  test("work that throws is not remembered, so a redelivery runs it again", async () => {
    const store = new DedupStore({ maxEntries: 10, maxAgeMs: 60_000 });
    await expect(store.once("k", () => { throw new Error("db down"); })).rejects.toThrow("db down");
    expect(await store.once("k", () => 1)).toEqual({ ran: true, value: 1 });
  });

  test("refuses limits that make no sense", () => {
    expect(() => new DedupStore({ maxEntries: 0, maxAgeMs: 10 })).toThrow(/maxEntries/);
    expect(() => new DedupStore({ maxEntries: 1, maxAgeMs: 0 })).toThrow(/maxAgeMs/);
  });

  test("messageKey says what to do when a message has no messageId", () => {
    const msg = { content: Buffer.from(""), fields: {}, properties: { headers: {} } } as unknown as Message;
    expect(() => messageKey(msg)).toThrow(/publish with \{ messageId/);
  });

  test("idempotent raises StillInProgress for a concurrent duplicate", async () => {
    const store = new DedupStore({ maxEntries: 10, maxAgeMs: 60_000 });
    const msg = { content: Buffer.from(""), fields: {}, properties: { messageId: "m" } } as unknown as Message;
    let release = () => {};
    const handler = idempotent(store, () => new Promise<void>((r) => (release = r)));
    const first = handler(msg);
    await expect(handler(msg)).rejects.toBeInstanceOf(StillInProgress);
    release();
    expect(await first).toBe(true);
    expect(await handler(msg)).toBe(false);
  });
});

describe.each(targets())("an idempotent consumer on the $label", (target) => {
  test("a consumer that dies after the work and before the ack causes a duplicate the store skips", async () => {
    const queue = uniqueName("dedup");
    const admin = await target.connect();
    const ch = await admin.createConfirmChannel();
    await ch.assertQueue(queue, { durable: false });
    for (const id of ["o-1", "o-2", "o-3"]) ch.sendToQueue(queue, Buffer.from(id), { messageId: id });
    await ch.waitForConfirms();

    const store = new DedupStore({ maxEntries: 100, maxAgeMs: 60_000 });
    const charged: string[] = [];
    const charge = idempotent(store, (m: Message) => void charged.push(m.content.toString()));

    // Consumer 1 charges o-1, then its connection dies before the ack.
    const doomed = await target.connect();
    const c1 = await doomed.createChannel();
    await c1.prefetch(1);
    let redelivered = false;
    await c1.consume(queue, (m) => {
      if (m) void charge(m).then(() => doomed.close());
    });
    await waitUntil(() => charged.length === 1, { what: "the first charge" });
    await waitUntil(async () => (await ch.checkQueue(queue)).messageCount === 3, { what: "the requeue" });

    // Consumer 2 gets o-1 again, marked redelivered, and the store skips it.
    const c2 = await admin.createChannel();
    const ran: boolean[] = [];
    await c2.consume(queue, (m) => {
      if (!m) return;
      if (m.properties.messageId === "o-1") redelivered = m.fields.redelivered;
      void charge(m).then((r) => { ran.push(r); c2.ack(m); });
    });
    await waitUntil(() => ran.length === 3, { what: "three deliveries" });
    expect(redelivered).toBe(true);
    expect(ran).toEqual([false, true, true]);
    expect(charged).toEqual(["o-1", "o-2", "o-3"]);
    await ch.deleteQueue(queue);
    await admin.close();
  });
});
