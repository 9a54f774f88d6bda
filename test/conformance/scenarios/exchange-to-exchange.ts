import type { Scenario } from "../harness";
import { drain } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "exchange-to-exchange-binding-forwards-messages-matching-the-binding-key",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const src = t.exchangeName("src-topic");
      const dst = t.exchangeName("dst-direct");
      const q = t.queueName("q");
      await ch.assertExchange(src, "topic", { durable: false });
      await ch.assertExchange(dst, "direct", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await t.attempt("bindExchange dst <- src (orders.#)", () => ch.bindExchange(dst, src, "orders.#"));
      await ch.bindQueue(q, dst, "orders.eu");
      ch.publish(src, "orders.eu", Buffer.from("forwarded-and-matched"));
      ch.publish(src, "orders.us", Buffer.from("forwarded-not-matched"));
      ch.publish(src, "invoices.eu", Buffer.from("not-forwarded"));
      const got = await ch.get(q, { noAck: true });
      t.log("q first", t.summarize(got));
      t.log("q rest", await drain(ch, q));
    },
  },
  {
    name: "exchange-chain-of-three-delivers-one-copy-to-each-queue-along-the-way",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const [x1, x2, x3] = [t.exchangeName("x1"), t.exchangeName("x2"), t.exchangeName("x3")];
      const [q1, q3] = [t.queueName("q1"), t.queueName("q3")];
      for (const x of [x1, x2, x3]) await ch.assertExchange(x, "fanout", { durable: false });
      await ch.bindExchange(x2, x1, "");
      await ch.bindExchange(x3, x2, "");
      await ch.assertQueue(q1, { durable: false });
      await ch.assertQueue(q3, { durable: false });
      await ch.bindQueue(q1, x1, "");
      await ch.bindQueue(q3, x3, "");
      ch.publish(x1, "k", Buffer.from("from-x1"));
      ch.publish(x2, "k", Buffer.from("from-x2"));
      ch.publish(x3, "k", Buffer.from("from-x3"));
      t.log("q1 (bound to x1)", await drain(ch, q1));
      const got = await ch.get(q3, { noAck: true });
      t.log("q3 first", t.summarize(got));
      t.log("q3 rest", await drain(ch, q3));
    },
  },
  {
    name: "exchange-binding-loop-delivers-one-copy-and-does-not-hang",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const [x1, x2] = [t.exchangeName("x1"), t.exchangeName("x2")];
      const [q1, q2] = [t.queueName("q1"), t.queueName("q2")];
      for (const x of [x1, x2]) await ch.assertExchange(x, "fanout", { durable: false });
      await t.attempt("bind x2 <- x1", () => ch.bindExchange(x2, x1, ""));
      await t.attempt("bind x1 <- x2", () => ch.bindExchange(x1, x2, ""));
      await t.attempt("bind x1 <- x1 (self)", () => ch.bindExchange(x1, x1, ""));
      await ch.assertQueue(q1, { durable: false });
      await ch.assertQueue(q2, { durable: false });
      await ch.bindQueue(q1, x1, "");
      await ch.bindQueue(q2, x2, "");
      ch.publish(x1, "", Buffer.from("into-x1"));
      ch.publish(x2, "", Buffer.from("into-x2"));
      t.log("q1", await drain(ch, q1));
      t.log("q2", await drain(ch, q2));
    },
  },
  {
    name: "exchange-diamond-graph-delivers-one-copy-per-queue",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const [top, left, right] = [t.exchangeName("top"), t.exchangeName("left"), t.exchangeName("right")];
      const [shared, onlyLeft] = [t.queueName("shared"), t.queueName("only-left")];
      await ch.assertExchange(top, "topic", { durable: false });
      await ch.assertExchange(left, "fanout", { durable: false });
      await ch.assertExchange(right, "direct", { durable: false });
      await ch.bindExchange(left, top, "#");
      await ch.bindExchange(right, top, "k.*");
      await ch.assertQueue(shared, { durable: false });
      await ch.assertQueue(onlyLeft, { durable: false });
      await ch.bindQueue(shared, left, "");
      await ch.bindQueue(shared, right, "k.a");
      await ch.bindQueue(onlyLeft, left, "");
      ch.publish(top, "k.a", Buffer.from("both-paths"));
      ch.publish(top, "k.b", Buffer.from("left-path-only"));
      t.log("shared", await drain(ch, shared));
      t.log("only-left", await drain(ch, onlyLeft));
    },
  },
  {
    name: "unbind-exchange-stops-forwarding",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const [src, dst] = [t.exchangeName("src"), t.exchangeName("dst")];
      const q = t.queueName("q");
      await ch.assertExchange(src, "direct", { durable: false });
      await ch.assertExchange(dst, "fanout", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q, dst, "");
      await ch.bindExchange(dst, src, "k");
      ch.publish(src, "k", Buffer.from("before-unbind"));
      await t.attempt("unbindExchange", () => ch.unbindExchange(dst, src, "k"));
      ch.publish(src, "k", Buffer.from("after-unbind"));
      ch.publish(dst, "k", Buffer.from("direct-to-dst"));
      await t.attempt("unbindExchange again (no such binding)", () => ch.unbindExchange(dst, src, "k"));
      t.log("q", await drain(ch, q));
    },
  },
  {
    name: "deleting-a-destination-exchange-removes-its-incoming-bindings",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const [src, dst] = [t.exchangeName("src"), t.exchangeName("dst")];
      const q = t.queueName("q");
      await ch.assertExchange(src, "fanout", { durable: false });
      await ch.assertExchange(dst, "fanout", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await ch.bindExchange(dst, src, "");
      await ch.bindQueue(q, dst, "");
      await t.attempt("deleteExchange dst", () => ch.deleteExchange(dst));
      await t.attempt("re-assert dst", () => ch.assertExchange(dst, "fanout", { durable: false }));
      await ch.bindQueue(q, dst, "");
      ch.publish(src, "", Buffer.from("src-has-no-binding-left"));
      ch.publish(dst, "", Buffer.from("dst-direct"));
      t.log("q", await drain(ch, q));
    },
  },
  {
    name: "bind-exchange-with-missing-source-or-destination-is-404",
    async run(t) {
      const conn = await t.connect("conn");
      const x = t.exchangeName("x");
      const setup = await t.channel(conn, "setup");
      await setup.assertExchange(x, "fanout", { durable: false });
      const ch1 = await t.channel(conn, "ch1");
      await t.attempt("bindExchange missing source", () => ch1.bindExchange(x, t.name("no-such-src"), ""));
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("bindExchange missing destination", () => ch2.bindExchange(t.name("no-such-dst"), x, ""));
      const ch3 = await t.channel(conn, "ch3");
      await t.attempt("unbindExchange missing source", () => ch3.unbindExchange(x, t.name("no-such-src"), ""));
      await t.attempt("setup channel still works", () => setup.checkExchange(x));
    },
  },
];

export default scenarios;
