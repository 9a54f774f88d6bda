import type { Scenario } from "../harness";
import { drain } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "mandatory-unroutable-message-is-returned-with-312-no-route",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("direct");
      await ch.assertExchange(x, "direct", { durable: false });
      ch.publish(x, "nobody", Buffer.from("returned"), {
        mandatory: true,
        contentType: "text/plain",
        messageId: "m-1",
        correlationId: "c-1",
        headers: { a: 1, s: "x" },
        deliveryMode: 2,
        priority: 1,
      });
      await t.attempt("checkExchange (sync)", () => ch.checkExchange(x));
    },
  },
  {
    name: "non-mandatory-unroutable-message-is-dropped-silently",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("direct");
      await ch.assertExchange(x, "direct", { durable: false });
      ch.publish(x, "nobody", Buffer.from("dropped"));
      ch.publish(x, "nobody", Buffer.from("dropped-explicitly"), { mandatory: false });
      await t.attempt("checkExchange (sync)", () => ch.checkExchange(x));
      await t.quiet();
    },
  },
  {
    name: "mandatory-routable-message-is-delivered-not-returned",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      ch.sendToQueue(q, Buffer.from("routable"), { mandatory: true });
      t.log("q", await drain(ch, q));
      await t.quiet();
    },
  },
  {
    name: "mandatory-to-missing-queue-via-default-exchange-is-returned",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      ch.sendToQueue(t.name("no-such-queue"), Buffer.from("nowhere"), { mandatory: true, type: "t" });
      await t.attempt("checkExchange amq.direct (sync)", () => ch.checkExchange("amq.direct"));
    },
  },
  {
    name: "mandatory-returns-arrive-in-publish-order-interleaved-with-deliveries",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("topic");
      const q = t.queueName("q");
      await ch.assertExchange(x, "topic", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q, x, "ok.*");
      for (const key of ["ok.1", "no.2", "ok.3", "no.4", "no.5"]) ch.publish(x, key, Buffer.from(key), { mandatory: true });
      await t.attempt("checkExchange (sync)", () => ch.checkExchange(x));
      t.log("q", await drain(ch, q));
    },
  },
  {
    name: "mandatory-to-fanout-without-bindings-is-returned-and-other-channels-see-nothing",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "publisher");
      const other = await t.channel(conn, "other");
      const x = t.exchangeName("fanout");
      await ch.assertExchange(x, "fanout", { durable: false });
      ch.publish(x, "any", Buffer.from("bounced"), { mandatory: true });
      await t.attempt("checkExchange (sync)", () => ch.checkExchange(x));
      await t.quiet();
      await t.attempt("other channel checkExchange", () => other.checkExchange(x));
    },
  },
];

export default scenarios;
