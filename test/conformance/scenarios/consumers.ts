import type { Scenario } from "../harness";
import { bodies, brief, drain, drainBrief, sendAll } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "consume-delivers-in-publish-order-with-increasing-delivery-tags",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2"]);
      const c = t.collector();
      await t.attempt("consume", () => ch.consume(q, c.onMessage));
      sendAll(ch, q, ["m3", "m4"]);
      await c.until(4);
      t.log("first delivery", t.summarize(c.messages[0]));
      t.log("all", c.messages.map(brief));
      ch.ackAll();
    },
  },
  {
    name: "consume-with-a-custom-consumer-tag-uses-it-in-deliveries-and-cancel",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      const c = t.collector();
      await t.attempt("consume with tag", () => ch.consume(q, c.onMessage, { consumerTag: "my-consumer", noAck: true }));
      sendAll(ch, q, ["m1"]);
      await c.until(1);
      t.log("delivery", t.summarize(c.messages[0]));
      await t.attempt("cancel my-consumer", () => ch.cancel("my-consumer"));
    },
  },
  {
    name: "reusing-a-consumer-tag-on-the-same-channel-is-530-not-allowed-connection-error",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const [q1, q2] = [t.queueName("q1"), t.queueName("q2")];
      await ch.assertQueue(q1, { durable: false });
      await ch.assertQueue(q2, { durable: false });
      await t.attempt("consume q1 as dup", () => ch.consume(q1, () => undefined, { consumerTag: "dup" }));
      await t.attempt("consume q2 as dup", () => ch.consume(q2, () => undefined, { consumerTag: "dup" }));
      await t.waitFor(() => t.trace.some(([e]) => e === "conn close"), 2000, "connection closed");
      const conn2 = await t.connect();
      const ch2 = await t.channel(conn2, "ch2");
      await t.attempt("the same tag on another channel is fine", async () => {
        await ch2.consume(q1, () => undefined, { consumerTag: "dup" });
        return (await ch2.consume(q2, () => undefined, { consumerTag: "dup2" })).consumerTag;
      });
    },
  },
  {
    name: "cancel-stops-deliveries-and-later-messages-stay-in-the-queue",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      const c = t.collector();
      const { consumerTag } = await ch.consume(q, c.onMessage, { noAck: true });
      sendAll(ch, q, ["m1", "m2"]);
      await c.until(2);
      await t.attempt("cancel", () => ch.cancel(consumerTag));
      sendAll(ch, q, ["m3", "m4"]);
      await t.quiet();
      t.log("consumer got", bodies(c.messages));
      t.log("queue", await drain(ch, q));
      await t.attempt("cancel again", () => ch.cancel(consumerTag));
      await t.attempt("cancel an unknown tag", () => ch.cancel("never-used"));
      await t.attempt("channel still fine", () => ch.checkQueue(q));
    },
  },
  {
    name: "deleting-a-queue-under-a-consumer-cancels-it-and-the-callback-gets-null",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const admin = await t.channel(conn, "admin");
      const q = t.queueName("q");
      const other = t.queueName("other");
      await ch.assertQueue(q, { durable: false });
      await ch.assertQueue(other, { durable: false });
      ch.sendToQueue(other, Buffer.from("still-here"));
      const c = t.collector();
      await ch.consume(q, c.onMessage, { noAck: true });
      // The server's basic.cancel (on ch) and the delete-ok (on admin) race: note it, log it later.
      let cancelEvents = 0;
      ch.on("cancel", () => (cancelEvents += 1));
      sendAll(ch, q, ["m1"]);
      await c.until(1);
      await t.attempt("deleteQueue from another channel", () => admin.deleteQueue(q));
      await c.until(2);
      t.log("callback args", c.messages.length === 1 ? ["m1", null] : bodies(c.messages));
      t.log("channel cancel events", cancelEvents);
      await t.attempt("channel still works", () => ch.checkExchange("amq.direct"));
      t.log("other queue", await drain(ch, other));
    },
  },
  {
    name: "server-cancel-leaves-unacked-deliveries-ackable",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const admin = await t.channel(conn, "admin");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2"]);
      const c = t.collector();
      await ch.consume(q, c.onMessage);
      await c.until(2);
      await t.attempt("deleteQueue (2 unacked)", () => admin.deleteQueue(q));
      await c.until(3);
      await t.attempt("ack a delivery of the deleted queue", () => ch.ack(c.messages[0]));
      await t.attempt("nack the other one", () => ch.nack(c.messages[1], false, true));
      await t.attempt("channel still fine", () => ch.checkExchange("amq.direct"));
    },
  },
  {
    name: "basic-get-reports-the-remaining-count-and-false-when-empty",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2", "m3"]);
      const first = await ch.get(q, { noAck: false });
      t.log("get 1", t.summarize(first));
      const second = await ch.get(q, { noAck: true });
      t.log("get 2", t.summarize(second));
      if (first) ch.reject(first, true);
      t.log("rest", await drainBrief(ch, q));
      await t.attempt("get on empty queue", () => ch.get(q));
    },
  },
  {
    name: "consume-or-get-on-a-missing-queue-is-404",
    async run(t) {
      const conn = await t.connect("conn");
      const ch1 = await t.channel(conn, "ch1");
      await t.attempt("consume missing", () => ch1.consume(t.name("missing"), () => undefined));
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("get missing", () => ch2.get(t.name("missing")));
      const ch3 = await t.channel(conn, "ch3");
      await t.attempt("new channel works", () => ch3.checkExchange("amq.topic"));
    },
  },
  {
    name: "consumers-on-one-queue-receive-messages-round-robin",
    async run(t) {
      const conn = await t.connect("conn");
      const chA = await t.channel(conn, "chA");
      const chB = await t.channel(conn, "chB");
      const pub = await t.channel(conn, "pub");
      const q = t.queueName("q");
      await pub.assertQueue(q, { durable: false });
      const [a, b] = [t.collector(), t.collector()];
      await chA.consume(q, a.onMessage, { noAck: true });
      await chB.consume(q, b.onMessage, { noAck: true });
      sendAll(pub, q, ["m1", "m2", "m3", "m4", "m5", "m6"]);
      await t.waitFor(() => a.messages.length + b.messages.length === 6, 2000, "6 deliveries");
      await t.quiet();
      t.log("a", bodies(a.messages));
      t.log("b", bodies(b.messages));
    },
  },
];

export default scenarios;
