// Quorum queues (x-queue-type: quorum): declaration rules, delivery limit, requeue order.
// Publishing goes through confirm channels so that waitForConfirms() is a barrier.
import type { Channel } from "../../../src/amqp";
import type { Scenario, ScenarioContext } from "../harness";

const quorum = { "x-queue-type": "quorum" };

async function depth(ch: Channel, q: string): Promise<number> {
  return (await ch.checkQueue(q)).messageCount;
}

/** Shows the connection still works after a channel error and another queue kept its message. */
async function stillFine(t: ScenarioContext, conn: Awaited<ReturnType<ScenarioContext["connect"]>>, other: string) {
  const ch = await t.channel(conn, "after-error");
  await t.attempt("get other queue after the error", async () => t.summarize(await ch.get(other, { noAck: true })));
}

async function otherQueueWithMessage(t: ScenarioContext, ch: Channel): Promise<string> {
  const other = t.queueName("other");
  await ch.assertQueue(other, { durable: false });
  ch.sendToQueue(other, Buffer.from("survives"));
  await ch.checkQueue(other);
  await t.waitFor(async () => (await depth(ch, other)) === 1, 3000, "message in other");
  return other;
}

const scenarios: Scenario[] = [
  {
    name: "quorum-queue-must-be-durable",
    async run(t) {
      const conn = await t.connect("conn");
      const setup = await t.channel(conn, "setup");
      const other = await otherQueueWithMessage(t, setup);
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await t.attempt("assertQueue non-durable quorum", () => ch.assertQueue(q, { durable: false, arguments: quorum }));
      await stillFine(t, conn, other);
    },
  },
  {
    name: "quorum-queue-cannot-be-exclusive-or-auto-delete",
    async run(t) {
      const conn = await t.connect("conn");
      const setup = await t.channel(conn, "setup");
      const other = await otherQueueWithMessage(t, setup);
      const ch1 = await t.channel(conn, "ch1");
      await t.attempt("assertQueue exclusive quorum", () =>
        ch1.assertQueue(t.queueName("exclusive"), { durable: true, exclusive: true, arguments: quorum }),
      );
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("assertQueue auto-delete quorum", () =>
        ch2.assertQueue(t.queueName("auto-delete"), { durable: true, autoDelete: true, arguments: quorum }),
      );
      await stillFine(t, conn, other);
    },
  },
  {
    name: "quorum-queue-rejects-unsupported-arguments",
    async run(t) {
      const conn = await t.connect("conn");
      const setup = await t.channel(conn, "setup");
      const other = await otherQueueWithMessage(t, setup);
      const cases: [string, Record<string, unknown>][] = [
        ["x-max-priority", { "x-max-priority": 5 }],
        ["x-queue-mode lazy", { "x-queue-mode": "lazy" }],
        ["x-overflow reject-publish-dlx", { "x-overflow": "reject-publish-dlx" }],
        ["x-delivery-limit on a classic queue", { "x-queue-type": "classic", "x-delivery-limit": 2 }],
      ];
      for (const [label, args] of cases) {
        const ch = await t.channel(conn, label);
        await t.attempt(`assertQueue ${label}`, () =>
          ch.assertQueue(t.queueName(label.replace(/[^a-z-]/g, "")), { durable: true, arguments: { ...quorum, ...args } }),
        );
      }
      await stillFine(t, conn, other);
    },
  },
  {
    name: "quorum-queue-basic-get-and-declare-reply",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await t.attempt("assertQueue quorum", () => ch.assertQueue(q, { durable: true, arguments: quorum }));
      ch.sendToQueue(q, Buffer.from("one"), { headers: { a: 1 } });
      ch.sendToQueue(q, Buffer.from("two"), { deliveryMode: 1 });
      await ch.waitForConfirms();
      await t.waitFor(async () => (await depth(ch, q)) === 2, 3000, "two messages");
      await t.attempt("checkQueue", () => ch.checkQueue(q));
      await t.attempt("get one", async () => t.summarize(await ch.get(q, { noAck: true })));
      const two = await ch.get(q);
      t.log("get two", t.summarize(two));
      if (two) ch.nack(two, false, true);
      await t.attempt("get two again", async () => t.summarize(await ch.get(q, { noAck: true })));
      await t.attempt("get empty", () => ch.get(q, { noAck: true }));
      // redeclaring as a classic queue is an inequivalent argument
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("redeclare as classic", () => ch2.assertQueue(q, { durable: true }));
    },
  },
  {
    name: "quorum-queue-delivery-count-header-on-redelivery",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: true, arguments: { ...quorum, "x-delivery-limit": 10 } });
      ch.sendToQueue(q, Buffer.from("retried"));
      await ch.waitForConfirms();
      await t.waitFor(async () => (await depth(ch, q)) === 1, 3000, "message");
      for (let i = 1; i <= 3; i++) {
        const m = await ch.get(q);
        t.log(`get ${i}`, t.summarize(m));
        if (m) ch.nack(m, false, true);
        await t.waitFor(async () => (await depth(ch, q)) === 1, 3000, "requeued");
      }
      // reject(requeue) counts too
      const m = await ch.get(q);
      if (m) ch.reject(m, true);
      await t.waitFor(async () => (await depth(ch, q)) === 1, 3000, "requeued");
      await t.attempt("get after reject", async () => t.summarize(await ch.get(q, { noAck: true })));
    },
  },
  {
    name: "quorum-queue-delivery-limit-dead-letters-with-reason-delivery-limit",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const dlq = t.queueName("dlq");
      const q = t.queueName("q");
      await ch.assertQueue(dlq, { durable: false });
      await ch.assertQueue(q, {
        durable: true,
        deadLetterExchange: "",
        deadLetterRoutingKey: dlq,
        arguments: { ...quorum, "x-delivery-limit": 2 },
      });
      ch.sendToQueue(q, Buffer.from("poison"), { expiration: "600000" });
      await ch.waitForConfirms();
      await t.waitFor(async () => (await depth(ch, q)) === 1, 3000, "message");
      for (let i = 1; i <= 3; i++) {
        const m = await ch.get(q);
        t.log(`get ${i}`, t.summarize(m));
        if (!m) break;
        ch.nack(m, false, true);
        await t.waitFor(async () => (await depth(ch, q)) + (await depth(ch, dlq)) === 1, 3000, "requeued or dead");
      }
      await t.waitFor(async () => (await depth(ch, dlq)) === 1, 3000, "dead letter");
      await t.attempt("checkQueue q", () => ch.checkQueue(q));
      await t.attempt("dlq got", async () => t.summarize(await ch.get(dlq, { noAck: true })));
    },
  },
  {
    name: "quorum-queue-delivery-limit-without-dead-letter-exchange-drops-the-message",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: true, arguments: { ...quorum, "x-delivery-limit": 0 } });
      ch.sendToQueue(q, Buffer.from("once-only"));
      await ch.waitForConfirms();
      await t.waitFor(async () => (await depth(ch, q)) === 1, 3000, "message");
      const m = await ch.get(q);
      t.log("get", t.summarize(m));
      if (m) ch.nack(m, false, true);
      await t.quiet(200);
      await t.attempt("get after requeue", () => ch.get(q, { noAck: true }));
      await t.attempt("checkQueue", () => ch.checkQueue(q));
    },
  },
  {
    name: "quorum-queue-rejected-without-requeue-dead-letters-with-reason-rejected",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const dlq = t.queueName("dlq");
      const q = t.queueName("q");
      await ch.assertQueue(dlq, { durable: false });
      await ch.assertQueue(q, { durable: true, deadLetterExchange: "", deadLetterRoutingKey: dlq, arguments: quorum });
      ch.sendToQueue(q, Buffer.from("rejected"));
      await ch.waitForConfirms();
      await t.waitFor(async () => (await depth(ch, q)) === 1, 3000, "message");
      const m = await ch.get(q);
      if (m) ch.reject(m, false);
      await t.waitFor(async () => (await depth(ch, dlq)) === 1, 3000, "dead letter");
      await t.attempt("dlq got", async () => t.summarize(await ch.get(dlq, { noAck: true })));
    },
  },
  {
    name: "requeue-order-quorum-queue-compared-with-classic-queue",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      for (const kind of ["classic", "quorum"]) {
        const q = t.queueName(kind);
        await ch.assertQueue(q, { durable: true, arguments: { "x-queue-type": kind } });
        for (const body of ["m1", "m2", "m3", "m4"]) ch.sendToQueue(q, Buffer.from(body));
        await ch.waitForConfirms();
        await t.waitFor(async () => (await depth(ch, q)) === 4, 3000, "four messages");
        const m1 = await ch.get(q);
        const m2 = await ch.get(q);
        if (!m1 || !m2) throw new Error("expected messages");
        // requeue m2 first, then m1
        ch.nack(m2, false, true);
        ch.nack(m1, false, true);
        await t.waitFor(async () => (await depth(ch, q)) === 4, 3000, "requeued");
        const out: string[] = [];
        for (;;) {
          const m = await ch.get(q, { noAck: true });
          if (!m) break;
          out.push(`${m.content.toString()} redelivered=${m.fields.redelivered}`);
        }
        t.log(`${kind} order after requeueing m2 then m1`, out);
      }
    },
  },
  {
    name: "requeue-order-quorum-queue-consumer-nack-all",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      for (const kind of ["classic", "quorum"]) {
        const q = t.queueName(kind);
        await ch.assertQueue(q, { durable: true, arguments: { "x-queue-type": kind } });
        for (const body of ["m1", "m2", "m3", "m4", "m5"]) ch.sendToQueue(q, Buffer.from(body));
        await ch.waitForConfirms();
        await t.waitFor(async () => (await depth(ch, q)) === 5, 3000, "five messages");
        const consumerChannel = await t.channel(conn, `${kind} consumer`);
        await consumerChannel.prefetch(3);
        const col = t.collector();
        const { consumerTag } = await consumerChannel.consume(q, col.onMessage);
        await col.until(3);
        await consumerChannel.cancel(consumerTag);
        consumerChannel.nackAll(true);
        await t.waitFor(async () => (await depth(ch, q)) === 5, 3000, "requeued");
        const out: string[] = [];
        for (;;) {
          const m = await ch.get(q, { noAck: true });
          if (!m) break;
          out.push(`${m.content.toString()} redelivered=${m.fields.redelivered}`);
        }
        t.log(`${kind} consumed`, col.messages.map((m) => m.content.toString()));
        t.log(`${kind} order after nackAll`, out);
      }
    },
  },
  {
    name: "quorum-queue-consumer-deliveries-carry-x-delivery-count-only-after-a-return",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: true, arguments: quorum });
      ch.sendToQueue(q, Buffer.from("consumed"));
      await ch.waitForConfirms();
      const got = t.collector();
      const { consumerTag } = await ch.consume(q, got.onMessage);
      await got.until(1);
      ch.nack(got.messages[0], false, true);
      await got.until(2);
      ch.ack(got.messages[1]);
      await ch.cancel(consumerTag);
      for (const m of got.messages) t.log("consumed", { redelivered: m.fields.redelivered, headers: m.properties.headers });
      ch.sendToQueue(q, Buffer.from("fetched"));
      await ch.waitForConfirms();
      const first = await ch.get(q);
      if (!first) throw new Error("expected a message");
      t.log("get", { redelivered: first.fields.redelivered, headers: first.properties.headers });
      ch.nack(first, false, true);
      await t.waitFor(async () => (await depth(ch, q)) === 1, 3000, "requeued");
      const second = await ch.get(q, { noAck: true });
      if (!second) throw new Error("expected the message again");
      t.log("get again", { redelivered: second.fields.redelivered, headers: second.properties.headers });
    },
  },
];

export default scenarios;
