import type { Scenario } from "../harness";
import { bodies, brief, sendAll } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "prefetch-holds-back-deliveries-until-acks-free-the-window",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      await t.attempt("prefetch 2", () => ch.prefetch(2));
      sendAll(ch, q, ["m1", "m2", "m3", "m4", "m5"]);
      const c = t.collector();
      await ch.consume(q, c.onMessage);
      await c.until(2);
      await t.quiet();
      t.log("before any ack", bodies(c.messages));
      ch.ack(c.messages[0]);
      await c.until(3);
      await t.quiet();
      t.log("after acking m1", bodies(c.messages));
      ch.ack(c.messages[2], true);
      await c.until(5);
      await t.quiet();
      t.log("after acking up to m3", c.messages.map(brief));
      ch.ackAll();
    },
  },
  {
    name: "prefetch-per-consumer-applies-to-each-consumer-on-the-channel-separately",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const [q1, q2] = [t.queueName("q1"), t.queueName("q2")];
      await ch.assertQueue(q1, { durable: false });
      await ch.assertQueue(q2, { durable: false });
      await t.attempt("prefetch 2 (global=false)", () => ch.prefetch(2, false));
      sendAll(ch, q1, ["a1", "a2", "a3"]);
      sendAll(ch, q2, ["b1", "b2", "b3"]);
      const [a, b] = [t.collector(), t.collector()];
      await ch.consume(q1, a.onMessage);
      await ch.consume(q2, b.onMessage);
      await a.until(2);
      await b.until(2);
      await t.quiet();
      t.log("consumer a", bodies(a.messages));
      t.log("consumer b", bodies(b.messages));
    },
  },
  {
    name: "prefetch-global-limits-the-whole-channel-across-consumers",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const [q1, q2] = [t.queueName("q1"), t.queueName("q2")];
      await ch.assertQueue(q1, { durable: false });
      await ch.assertQueue(q2, { durable: false });
      await t.attempt("prefetch 2 global", () => ch.prefetch(2, true));
      sendAll(ch, q1, ["a1", "a2", "a3"]);
      sendAll(ch, q2, ["b1", "b2", "b3"]);
      const [a, b] = [t.collector(), t.collector()];
      const { consumerTag } = await ch.consume(q1, a.onMessage);
      await a.until(2);
      await ch.consume(q2, b.onMessage);
      await t.quiet();
      t.log("consumer a", bodies(a.messages));
      t.log("consumer b (channel window full)", bodies(b.messages));
      await t.attempt("cancel a (its deliveries stay unacked)", () => ch.cancel(consumerTag));
      await t.quiet();
      t.log("consumer b after cancelling a", bodies(b.messages));
      ch.ackAll();
      await b.until(2);
      await t.quiet();
      t.log("consumer b after acking a's deliveries", bodies(b.messages));
    },
  },
  {
    name: "prefetch-zero-means-unlimited",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      await t.attempt("prefetch 1", () => ch.prefetch(1));
      await t.attempt("prefetch 0", () => ch.prefetch(0));
      const items = Array.from({ length: 10 }, (_, i) => `m${i + 1}`);
      sendAll(ch, q, items);
      const c = t.collector();
      await ch.consume(q, c.onMessage);
      await c.until(10);
      await t.quiet();
      t.log("unacked deliveries", c.messages.map(brief));
    },
  },
  {
    name: "prefetch-applies-to-consumers-started-after-it-not-existing-ones",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const [q1, q2] = [t.queueName("q1"), t.queueName("q2")];
      await ch.assertQueue(q1, { durable: false });
      await ch.assertQueue(q2, { durable: false });
      sendAll(ch, q1, ["a1", "a2", "a3", "a4"]);
      sendAll(ch, q2, ["b1", "b2", "b3", "b4", "b5"]);
      await ch.prefetch(1);
      const [a, b] = [t.collector(), t.collector()];
      await ch.consume(q1, a.onMessage);
      await a.until(1);
      await t.attempt("prefetch 3", () => ch.prefetch(3));
      await ch.consume(q2, b.onMessage);
      await b.until(3);
      await t.quiet();
      t.log("a (prefetch 1 when it started)", bodies(a.messages));
      t.log("b (prefetch 3 when it started)", bodies(b.messages));
      ch.ack(a.messages[0]);
      await a.until(2);
      await t.quiet();
      t.log("a after one ack", bodies(a.messages));
    },
  },
  {
    name: "prefetch-1-dispatches-the-next-message-to-the-consumer-that-acked",
    async run(t) {
      const conn = await t.connect("conn");
      const chA = await t.channel(conn, "chA");
      const chB = await t.channel(conn, "chB");
      const q = t.queueName("q");
      await chA.assertQueue(q, { durable: false });
      await chA.prefetch(1);
      await chB.prefetch(1);
      sendAll(chA, q, ["m1", "m2", "m3", "m4", "m5"]);
      const [a, b] = [t.collector(), t.collector()];
      await chA.consume(q, a.onMessage);
      await a.until(1);
      await chB.consume(q, b.onMessage);
      await b.until(1);
      await t.quiet();
      t.log("a", bodies(a.messages));
      t.log("b", bodies(b.messages));
      chB.ack(b.messages[0]);
      await b.until(2);
      await t.quiet();
      t.log("after b acks: a", bodies(a.messages));
      t.log("after b acks: b", bodies(b.messages));
      chA.ack(a.messages[0]);
      await a.until(2);
      await t.quiet();
      t.log("after a acks: a", bodies(a.messages));
      t.log("after a acks: b", bodies(b.messages));
      chB.ack(b.messages[1]);
      await b.until(3);
      await t.quiet();
      t.log("after b acks again: a", a.messages.map(brief));
      t.log("after b acks again: b", b.messages.map(brief));
    },
  },
  {
    name: "basic-recover-redelivers-unacked-messages-to-the-consumer-in-order",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2", "m3"]);
      const c = t.collector();
      await ch.consume(q, c.onMessage);
      await c.until(3);
      ch.ack(c.messages[1]);
      await t.attempt("recover", () => ch.recover());
      await c.until(5);
      await t.quiet();
      t.log("deliveries", c.messages.map(brief));
    },
  },
  {
    name: "basic-get-ignores-prefetch",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      await ch.prefetch(1);
      await ch.prefetch(1, true);
      sendAll(ch, q, ["m1", "m2", "m3"]);
      for (let i = 1; i <= 3; i++) {
        const msg = await ch.get(q, { noAck: false });
        t.log(`get ${i}`, msg && { ...brief(msg), messageCount: msg.fields.messageCount });
      }
      await t.attempt("get 4 (empty)", () => ch.get(q));
    },
  },
  {
    name: "no-ack-consumer-ignores-prefetch",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      await ch.prefetch(1);
      sendAll(ch, q, ["m1", "m2", "m3", "m4"]);
      const c = t.collector();
      await ch.consume(q, c.onMessage, { noAck: true });
      await c.until(4);
      await t.quiet();
      t.log("deliveries", c.messages.map(brief));
    },
  },
];

export default scenarios;
