import type { Scenario } from "../harness";
import { drain, drainBrief, getUnacked, sendAll } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "assert-queue-reports-ready-messages-and-consumers-and-redeclare-is-idempotent",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const consumerCh = await t.channel(conn, "consumer");
      const q = t.queueName("q");
      await t.attempt("assertQueue new", () => ch.assertQueue(q, { durable: false }));
      sendAll(ch, q, ["m1", "m2", "m3"]);
      await ch.waitForConfirms();
      await t.attempt("assertQueue again", () => ch.assertQueue(q, { durable: false }));
      await consumerCh.prefetch(1);
      const c = t.collector();
      await consumerCh.consume(q, c.onMessage);
      await c.until(1);
      await t.attempt("assertQueue with one consumer holding one unacked", () => ch.assertQueue(q, { durable: false }));
      await t.attempt("checkQueue", () => ch.checkQueue(q));
    },
  },
  {
    name: "redeclaring-a-queue-with-different-properties-is-406-inequivalent-arg",
    async run(t) {
      const conn = await t.connect("conn");
      const q = t.queueName("q");
      const setup = await t.channel(conn, "setup");
      await setup.assertQueue(q, { durable: false, arguments: { "x-message-ttl": 60000 } });
      const cases: [string, Parameters<typeof setup.assertQueue>[1]][] = [
        ["durable true", { durable: true, arguments: { "x-message-ttl": 60000 } }],
        ["autoDelete true", { durable: false, autoDelete: true, arguments: { "x-message-ttl": 60000 } }],
        ["different ttl", { durable: false, arguments: { "x-message-ttl": 1000 } }],
        ["ttl missing", { durable: false }],
        ["extra max-length", { durable: false, arguments: { "x-message-ttl": 60000, "x-max-length": 5 } }],
        ["exclusive true", { durable: false, exclusive: true, arguments: { "x-message-ttl": 60000 } }],
        ["same ttl as a long", { durable: false, arguments: { "x-message-ttl": { "!": "long", value: 60000 } } }],
      ];
      for (const [label, options] of cases) {
        const ch = await t.channel(conn, label);
        await t.attempt(`assertQueue ${label}`, () => ch.assertQueue(q, options));
      }
      await t.attempt("setup channel unaffected", () => setup.checkQueue(q));
    },
  },
  {
    name: "delete-queue-returns-its-ready-message-count-and-removes-its-bindings",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("fanout");
      const q = t.queueName("q");
      await ch.assertExchange(x, "fanout", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q, x, "");
      for (let i = 1; i <= 3; i++) ch.publish(x, "", Buffer.from(`m${i}`));
      await getUnacked(ch, q, 1);
      await t.attempt("deleteQueue (2 ready, 1 unacked)", () => ch.deleteQueue(q));
      await t.attempt("re-assert", () => ch.assertQueue(q, { durable: false }));
      ch.publish(x, "", Buffer.from("after-delete"));
      t.log("q (old binding gone)", await drain(ch, q));
      await t.attempt("ackAll (the deleted queue's delivery)", () => ch.ackAll());
      await t.attempt("channel still fine", () => ch.checkQueue(q));
    },
  },
  {
    name: "delete-of-a-missing-queue-is-ok-with-zero-messages",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await t.attempt("deleteQueue missing", () => ch.deleteQueue(t.name("never-declared")));
      await t.attempt("deleteQueue missing ifUnused ifEmpty", () =>
        ch.deleteQueue(t.name("never-declared"), { ifUnused: true, ifEmpty: true }),
      );
      await t.attempt("channel still fine", () => ch.checkExchange("amq.fanout"));
    },
  },
  {
    name: "delete-queue-if-unused-is-406-while-it-has-a-consumer",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const other = await t.channel(conn, "other");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      const c = t.collector();
      const { consumerTag } = await ch.consume(q, c.onMessage);
      await t.attempt("deleteQueue ifUnused", () => other.deleteQueue(q, { ifUnused: true }));
      const other2 = await t.channel(conn, "other2");
      await ch.cancel(consumerTag);
      await t.attempt("deleteQueue ifUnused after cancel", () => other2.deleteQueue(q, { ifUnused: true }));
      await t.quiet();
      t.log("callback calls", c.messages.length);
    },
  },
  {
    name: "delete-queue-if-empty-is-406-with-ready-messages-but-ignores-unacked-ones",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2"]);
      const ch2 = await t.channel(conn, "ch2");
      await ch.checkQueue(q);
      await t.attempt("deleteQueue ifEmpty with 2 ready", () => ch2.deleteQueue(q, { ifEmpty: true }));
      await getUnacked(ch, q, 2);
      const ch3 = await t.channel(conn, "ch3");
      await t.attempt("deleteQueue ifEmpty with 2 unacked, 0 ready", () => ch3.deleteQueue(q, { ifEmpty: true }));
      await t.attempt("checkQueue after delete", () => ch3.checkQueue(q));
    },
  },
  {
    name: "purge-returns-the-ready-count-and-leaves-unacked-messages-alone",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2", "m3", "m4"]);
      const [m1] = await getUnacked(ch, q, 1);
      await t.attempt("purge", () => ch.purgeQueue(q));
      await t.attempt("purge again", () => ch.purgeQueue(q));
      ch.nack(m1, false, true);
      t.log("q after requeueing the unacked one", await drainBrief(ch, q));
    },
  },
  {
    name: "purge-of-a-missing-queue-is-404",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await t.attempt("purge missing", () => ch.purgeQueue(t.name("never-declared")));
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("new channel works", () => ch2.checkExchange("amq.fanout"));
    },
  },
  {
    name: "server-named-queue-gets-an-amq-gen-name-and-is-routable-by-that-name",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("direct");
      const reply = await t.attempt("assertQueue empty name", () => ch.assertQueue("", { exclusive: true }));
      if (!reply) return;
      const q = reply.queue;
      t.log("name starts with amq.gen-", q.startsWith("amq.gen-"));
      await ch.assertExchange(x, "direct", { durable: false });
      await ch.bindQueue(q, x, "k");
      ch.sendToQueue(q, Buffer.from("by-name"));
      ch.publish(x, "k", Buffer.from("by-binding"));
      const first = await ch.get(q, { noAck: true });
      t.log("first", t.summarize(first));
      t.log("rest", await drain(ch, q));
      await t.attempt("checkQueue by name", () => ch.checkQueue(q));
      const second = await t.attempt("assertQueue empty name again", () => ch.assertQueue("", { exclusive: true }));
      t.log("second name differs", Boolean(second && second.queue !== q));
    },
  },
  {
    name: "declaring-a-queue-with-the-amq-prefix-is-403-access-refused",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await t.attempt("assertQueue amq.*", () => ch.assertQueue(`amq.${t.name("q")}`, { durable: false }));
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("checkQueue amq.* (passive)", () => ch2.checkQueue(`amq.${t.name("q")}`));
    },
  },
];

export default scenarios;
