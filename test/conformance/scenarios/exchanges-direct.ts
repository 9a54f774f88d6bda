import type { Scenario } from "../harness";
import { drain } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "direct-exchange-delivers-to-every-queue-bound-with-the-key",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("direct");
      const [q1, q2, q3] = [t.queueName("q1"), t.queueName("q2"), t.queueName("q3")];
      await t.attempt("assertExchange", () => ch.assertExchange(x, "direct", { durable: false }));
      for (const q of [q1, q2, q3]) await ch.assertQueue(q, { durable: false });
      await t.attempt("bind q1 k", () => ch.bindQueue(q1, x, "k"));
      await t.attempt("bind q2 k", () => ch.bindQueue(q2, x, "k"));
      await t.attempt("bind q3 other", () => ch.bindQueue(q3, x, "other"));
      ch.publish(x, "k", Buffer.from("to-k"), { headers: { n: 1 } });
      ch.publish(x, "other", Buffer.from("to-other"));
      ch.publish(x, "nobody", Buffer.from("to-nobody"));
      const got1 = await ch.get(q1, { noAck: true });
      t.log("q1 first", t.summarize(got1));
      t.log("q1 rest", await drain(ch, q1));
      const got2 = await ch.get(q2, { noAck: true });
      t.log("q2 first", t.summarize(got2));
      t.log("q2 rest", await drain(ch, q2));
      t.log("q3", await drain(ch, q3));
    },
  },
  {
    name: "direct-exchange-same-queue-bound-twice-with-the-key-gets-one-copy",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("direct");
      const q = t.queueName("q");
      await ch.assertExchange(x, "direct", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await t.attempt("bind k", () => ch.bindQueue(q, x, "k"));
      await t.attempt("bind k again", () => ch.bindQueue(q, x, "k"));
      ch.publish(x, "k", Buffer.from("once"));
      t.log("q", await drain(ch, q));
    },
  },
  {
    name: "direct-exchange-unbind-stops-routing-for-that-key-only",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("direct");
      const q = t.queueName("q");
      await ch.assertExchange(x, "direct", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q, x, "a");
      await ch.bindQueue(q, x, "b");
      ch.publish(x, "a", Buffer.from("a-before"));
      ch.publish(x, "b", Buffer.from("b-before"));
      await t.attempt("unbind a", () => ch.unbindQueue(q, x, "a"));
      ch.publish(x, "a", Buffer.from("a-after"));
      ch.publish(x, "b", Buffer.from("b-after"));
      await t.attempt("unbind a again (no such binding)", () => ch.unbindQueue(q, x, "a"));
      await t.attempt("unbind never-bound key", () => ch.unbindQueue(q, x, "zzz"));
      t.log("q", await drain(ch, q));
    },
  },
  {
    name: "direct-exchange-routing-key-match-is-exact-and-case-sensitive",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("direct");
      const q = t.queueName("q");
      const qEmpty = t.queueName("q-empty-key");
      await ch.assertExchange(x, "direct", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await ch.assertQueue(qEmpty, { durable: false });
      await ch.bindQueue(q, x, "Key.One");
      await ch.bindQueue(qEmpty, x, "");
      for (const key of ["Key.One", "key.one", "Key.One ", "Key", "Key.*", "#", ""]) {
        ch.publish(x, key, Buffer.from(`[${key}]`));
      }
      t.log("bound Key.One", await drain(ch, q));
      t.log("bound empty key", await drain(ch, qEmpty));
    },
  },
  {
    name: "predeclared-amq-direct-exchange-exists-and-routes",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      const key = t.name("key");
      await ch.assertQueue(q, { durable: false });
      await t.attempt("checkExchange amq.direct", () => ch.checkExchange("amq.direct"));
      await t.attempt("assertExchange amq.direct same type", () => ch.assertExchange("amq.direct", "direct"));
      await t.attempt("bind to amq.direct", () => ch.bindQueue(q, "amq.direct", key));
      ch.publish("amq.direct", key, Buffer.from("via amq.direct"));
      const got = await ch.get(q, { noAck: true });
      t.log("got", t.summarize(got));
      await t.attempt("unbind from amq.direct", () => ch.unbindQueue(q, "amq.direct", key));
    },
  },
];

export default scenarios;
