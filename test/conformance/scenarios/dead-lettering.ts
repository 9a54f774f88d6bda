// Dead-lettering: x-dead-letter-exchange / x-dead-letter-routing-key for rejected and expired
// messages. Publishing goes through confirm channels so that waitForConfirms() is a barrier:
// a checkQueue() right after publishing may be answered before the queue took the messages.
import type { Channel } from "../../../src/amqp";
import type { Scenario, ScenarioContext } from "../harness";
import { workQueueWithDeadLetterQueue } from "../scenario-kit";

async function depth(ch: Channel, q: string): Promise<number> {
  return (await ch.checkQueue(q)).messageCount;
}

/** Waits for `n` messages in `q`, then traces them all (taken with get, auto-ack). */
async function drain(t: ScenarioContext, ch: Channel, q: string, n: number, label: string): Promise<void> {
  await t.waitFor(async () => (await depth(ch, q)) >= n, 3000, `${n} message(s) in ${label}`);
  for (let i = 0; i < n; i++) {
    const m = await ch.get(q, { noAck: true });
    t.log(`${label} got`, t.summarize(m));
  }
  await t.attempt(`${label} then empty`, () => ch.get(q, { noAck: true }));
}

const scenarios: Scenario[] = [
  {
    name: "rejected-and-nacked-messages-dead-letter-with-reason-rejected",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const { dlq, q } = await workQueueWithDeadLetterQueue(t, ch, "work");
      ch.sendToQueue(q, Buffer.from("rejected"));
      ch.sendToQueue(q, Buffer.from("nacked"));
      ch.sendToQueue(q, Buffer.from("nacked-multiple-1"));
      ch.sendToQueue(q, Buffer.from("nacked-multiple-2"));
      await ch.waitForConfirms();
      const m1 = await ch.get(q);
      const m2 = await ch.get(q);
      const m3 = await ch.get(q);
      const m4 = await ch.get(q);
      if (!m1 || !m2 || !m3 || !m4) throw new Error("expected four messages");
      ch.reject(m1, false);
      await drain(t, ch, dlq, 1, "dlq after reject");
      ch.nack(m2, false, false);
      await drain(t, ch, dlq, 1, "dlq after nack");
      ch.nack(m4, true, false);
      await drain(t, ch, dlq, 2, "dlq after nack multiple");
      await t.attempt("checkQueue work", () => ch.checkQueue(q));
    },
  },
  {
    name: "nack-with-requeue-does-not-dead-letter",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const { dlq, q } = await workQueueWithDeadLetterQueue(t, ch, "work");
      ch.sendToQueue(q, Buffer.from("requeued"));
      ch.sendToQueue(q, Buffer.from("rejected-requeue"));
      await ch.waitForConfirms();
      const m1 = await ch.get(q);
      const m2 = await ch.get(q);
      if (!m1 || !m2) throw new Error("expected two messages");
      ch.nack(m1, false, true);
      ch.reject(m2, true);
      await t.attempt("get again 1", async () => t.summarize(await ch.get(q, { noAck: true })));
      await t.attempt("get again 2", async () => t.summarize(await ch.get(q, { noAck: true })));
      // closing a channel with unacked messages requeues them, it does not dead-letter either
      ch.sendToQueue(q, Buffer.from("unacked-at-close"));
      await ch.waitForConfirms();
      const other = await t.channel(conn, "other");
      await t.attempt("get on other channel", async () => t.summarize(await other.get(q)));
      await other.close();
      await t.attempt("get after close", async () => t.summarize(await ch.get(q, { noAck: true })));
      await t.attempt("checkQueue dlq", () => ch.checkQueue(dlq));
    },
  },
  {
    name: "dead-letter-routing-key-replaces-the-original-routing-key",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const dlx = t.exchangeName("dlx");
      const byNew = t.queueName("bound-to-new-key");
      const byOld = t.queueName("bound-to-old-key");
      const q = t.queueName("work");
      await ch.assertExchange(dlx, "direct", { durable: false });
      await ch.assertQueue(byNew, { durable: false });
      await ch.assertQueue(byOld, { durable: false });
      await ch.bindQueue(byNew, dlx, "dead");
      await ch.bindQueue(byOld, dlx, q);
      const byCc = t.queueName("bound-to-cc-key");
      await ch.assertQueue(byCc, { durable: false });
      await ch.bindQueue(byCc, dlx, "cc-key");
      await ch.assertQueue(q, { durable: false, deadLetterExchange: dlx, deadLetterRoutingKey: "dead" });
      ch.sendToQueue(q, Buffer.from("m"), { CC: "cc-key" });
      await ch.waitForConfirms();
      const m = await ch.get(q);
      if (!m) throw new Error("expected a message");
      ch.reject(m, false);
      await drain(t, ch, byNew, 1, "bound-to-new-key");
      await t.quiet(100);
      await t.attempt("checkQueue bound-to-old-key", () => ch.checkQueue(byOld));
      await t.attempt("checkQueue bound-to-cc-key", () => ch.checkQueue(byCc));
    },
  },
  {
    name: "dead-letter-exchange-empty-string-is-the-default-exchange",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const target = t.queueName("target");
      const q = t.queueName("work");
      await ch.assertQueue(target, { durable: false });
      await ch.assertQueue(q, { durable: false, deadLetterExchange: "", deadLetterRoutingKey: target });
      ch.sendToQueue(q, Buffer.from("to-default-exchange"), { headers: { h: 1 } });
      await ch.waitForConfirms();
      const m = await ch.get(q);
      if (!m) throw new Error("expected a message");
      ch.nack(m, false, false);
      await drain(t, ch, target, 1, "target");
    },
  },
  {
    name: "dead-letter-exchange-empty-string-without-routing-key-republishes-to-the-same-queue",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("work");
      await ch.assertQueue(q, { durable: false, deadLetterExchange: "" });
      ch.sendToQueue(q, Buffer.from("loops-back"));
      await ch.waitForConfirms();
      const m = await ch.get(q);
      if (!m) throw new Error("expected a message");
      ch.reject(m, false);
      // dead-lettered through the default exchange with its own routing key: back into the same queue
      await drain(t, ch, q, 1, "work");
    },
  },
  {
    name: "dead-letter-without-routing-key-reroutes-by-original-key-cc-and-bcc",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const src = t.exchangeName("src");
      const dlx = t.exchangeName("dlx");
      const q = t.queueName("work");
      const byKey = t.queueName("by-key");
      const byCc = t.queueName("by-cc");
      const byBcc = t.queueName("by-bcc");
      await ch.assertExchange(src, "direct", { durable: false });
      await ch.assertExchange(dlx, "direct", { durable: false });
      await ch.assertQueue(q, { durable: false, deadLetterExchange: dlx });
      await ch.bindQueue(q, src, "key");
      await ch.bindQueue(q, src, "cc-key");
      await ch.bindQueue(q, src, "bcc-key");
      for (const [queue, key] of [[byKey, "key"], [byCc, "cc-key"], [byBcc, "bcc-key"]]) {
        await ch.assertQueue(queue, { durable: false });
        await ch.bindQueue(queue, dlx, key);
      }
      ch.publish(src, "key", Buffer.from("m"), { CC: "cc-key", BCC: "bcc-key" });
      await ch.waitForConfirms();
      // one copy in the queue even though three of its bindings matched
      await t.attempt("checkQueue work", () => ch.checkQueue(q));
      const m = await ch.get(q);
      t.log("work got", t.summarize(m));
      if (m) ch.reject(m, false);
      await drain(t, ch, byKey, 1, "by-key");
      await drain(t, ch, byCc, 1, "by-cc");
      // the BCC header is gone from the message, yet its key still routes the dead letter
      await drain(t, ch, byBcc, 1, "by-bcc");
    },
  },
  {
    name: "expired-messages-dead-letter-with-reason-expired",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const { dlq, q } = await workQueueWithDeadLetterQueue(t, ch, "ttl", { messageTtl: 30 });
      ch.sendToQueue(q, Buffer.from("queue-ttl"));
      ch.sendToQueue(q, Buffer.from("message-expiration"), { expiration: "10" });
      await ch.waitForConfirms();
      await drain(t, ch, dlq, 2, "dlq");
      await t.attempt("checkQueue ttl", () => ch.checkQueue(q));
    },
  },
  {
    name: "expired-message-behind-a-live-head-dead-letters-only-when-it-reaches-the-head",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const { dlq, q } = await workQueueWithDeadLetterQueue(t, ch, "work");
      ch.sendToQueue(q, Buffer.from("live-head"));
      ch.sendToQueue(q, Buffer.from("expires-behind"), { expiration: "20" });
      await ch.waitForConfirms();
      await t.sleep(250);
      await t.attempt("checkQueue work while head is live", () => ch.checkQueue(q));
      await t.attempt("checkQueue dlq while head is live", () => ch.checkQueue(dlq));
      await t.attempt("get head", async () => t.summarize(await ch.get(q, { noAck: true })));
      await drain(t, ch, dlq, 1, "dlq");
      await t.attempt("checkQueue work at the end", () => ch.checkQueue(q));
    },
  },
  {
    name: "missing-dead-letter-exchange-drops-the-message",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("work");
      const other = t.queueName("other");
      await ch.assertQueue(other, { durable: false });
      await t.attempt("assertQueue with missing dlx", () =>
        ch.assertQueue(q, { durable: false, deadLetterExchange: t.name("no-such-exchange") }),
      );
      ch.sendToQueue(q, Buffer.from("rejected"));
      ch.sendToQueue(q, Buffer.from("expires"), { expiration: "10" });
      ch.sendToQueue(other, Buffer.from("other"));
      await ch.waitForConfirms();
      const m = await ch.get(q);
      t.log("work got", t.summarize(m));
      if (m) ch.reject(m, false);
      await t.waitFor(async () => (await depth(ch, q)) === 0, 3000, "work to be empty");
      await t.quiet(100);
      await t.attempt("checkQueue work", () => ch.checkQueue(q));
      await t.attempt("get other", async () => t.summarize(await ch.get(other, { noAck: true })));
    },
  },
  {
    name: "dead-letter-exchange-without-matching-binding-drops-the-message",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const dlx = t.exchangeName("dlx");
      const dlq = t.queueName("dlq");
      const q = t.queueName("work");
      await ch.assertExchange(dlx, "direct", { durable: false });
      await ch.assertQueue(dlq, { durable: false });
      await ch.bindQueue(dlq, dlx, "only-this-key");
      await ch.assertQueue(q, { durable: false, deadLetterExchange: dlx });
      ch.sendToQueue(q, Buffer.from("unroutable-dead-letter"));
      await ch.waitForConfirms();
      const m = await ch.get(q);
      if (m) ch.reject(m, false);
      await t.attempt("get work after reject", () => ch.get(q, { noAck: true }));
      await t.quiet(100);
      await t.attempt("checkQueue dlq", () => ch.checkQueue(dlq));
    },
  },
  {
    name: "dead-letter-cycle-without-rejection-is-dropped",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      // a and b expire into each other; each dead-letter exchange also feeds an observer queue
      const toA = t.exchangeName("to-a");
      const toB = t.exchangeName("to-b");
      const a = t.queueName("a");
      const b = t.queueName("b");
      const seenA = t.queueName("seen-going-to-a");
      const seenB = t.queueName("seen-going-to-b");
      await ch.assertExchange(toA, "fanout", { durable: false });
      await ch.assertExchange(toB, "fanout", { durable: false });
      await ch.assertQueue(a, { durable: false, messageTtl: 20, deadLetterExchange: toB });
      await ch.assertQueue(b, { durable: false, messageTtl: 20, deadLetterExchange: toA });
      await ch.assertQueue(seenA, { durable: false });
      await ch.assertQueue(seenB, { durable: false });
      await ch.bindQueue(a, toA, "");
      await ch.bindQueue(seenA, toA, "");
      await ch.bindQueue(b, toB, "");
      await ch.bindQueue(seenB, toB, "");
      ch.sendToQueue(a, Buffer.from("cycles"));
      await ch.waitForConfirms();
      await drain(t, ch, seenB, 1, "seen-going-to-b");
      await drain(t, ch, seenA, 1, "seen-going-to-a");
      await t.quiet(200);
      await t.attempt("checkQueue a", () => ch.checkQueue(a));
      await t.attempt("checkQueue b", () => ch.checkQueue(b));
      await t.attempt("checkQueue seen-going-to-a", () => ch.checkQueue(seenA));
      await t.attempt("checkQueue seen-going-to-b", () => ch.checkQueue(seenB));
    },
  },
  {
    name: "dead-letter-cycle-with-a-rejection-keeps-going",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      // work rejects into wait, wait expires back into work: the rejection breaks the cycle check
      const q = t.queueName("work");
      const wait = t.queueName("wait");
      await ch.assertQueue(q, { durable: false, deadLetterExchange: "", deadLetterRoutingKey: wait });
      await ch.assertQueue(wait, { durable: false, messageTtl: 20, deadLetterExchange: "", deadLetterRoutingKey: q });
      ch.sendToQueue(q, Buffer.from("bounces"));
      await ch.waitForConfirms();
      for (let round = 1; round <= 3; round++) {
        await t.waitFor(async () => (await depth(ch, q)) === 1, 3000, `round ${round}`);
        const m = await ch.get(q);
        t.log(`round ${round} x-death`, m ? (m.properties.headers?.["x-death"] ?? null) : m);
        if (m) ch.reject(m, false);
      }
      await t.waitFor(async () => (await depth(ch, q)) === 1, 3000, "last round");
      await t.attempt("final get", async () => t.summarize(await ch.get(q, { noAck: true })));
    },
  },
  {
    name: "dead-lettered-message-keeps-its-properties",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const { dlq, q } = await workQueueWithDeadLetterQueue(t, ch, "work", { deadLetterRoutingKey: "dead" });
      ch.sendToQueue(q, Buffer.from("with-properties"), {
        contentType: "application/json",
        contentEncoding: "identity",
        headers: { "x-app": "lab", attempt: 1, tags: ["a", "b"] },
        deliveryMode: 2,
        priority: 4,
        correlationId: "corr-9",
        replyTo: "replies",
        messageId: "msg-9",
        timestamp: 1700000000,
        type: "order.created",
        userId: "guest",
        appId: "shop",
      });
      await ch.waitForConfirms();
      const m = await ch.get(q);
      if (m) ch.reject(m, false);
      await drain(t, ch, dlq, 1, "dlq");
    },
  },
];

export default scenarios;
