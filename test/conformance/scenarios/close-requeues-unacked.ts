import type { Scenario } from "../harness";
import { bodies, drainBrief, getUnacked, sendAll, waitForReady } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "closing-a-channel-requeues-its-unacked-messages-in-order-marked-redelivered",
    async run(t) {
      const conn = await t.connect("conn");
      const ch1 = await t.channel(conn, "ch1");
      const ch2 = await t.channel(conn, "ch2");
      const q = t.queueName("q");
      await ch1.assertQueue(q, { durable: false });
      sendAll(ch1, q, ["m1", "m2", "m3", "m4", "m5"]);
      const c = t.collector();
      await ch1.consume(q, c.onMessage);
      await c.until(5);
      ch1.ack(c.messages[1]);
      ch1.ack(c.messages[3]);
      await t.attempt("close ch1", () => ch1.close());
      await waitForReady(t, conn, q, 3);
      t.log("q", await drainBrief(ch2, q));
    },
  },
  {
    name: "closing-the-connection-requeues-unacked-messages-of-all-its-channels",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2", "m3", "m4", "m5"]);
      await ch.get(q, { noAck: true }); // m1 is gone for good
      const conn2 = await t.connect("conn2");
      const a = await t.channel(conn2, "a");
      const b = await t.channel(conn2, "b");
      const [m2] = await getUnacked(a, q, 1);
      await getUnacked(b, q, 1); // m3
      await getUnacked(a, q, 1); // m4
      a.ack(m2);
      // An ack sent right before connection.close may never reach the queue (RabbitMQ shuts the
      // channels down ahead of their pending frames), so make sure it was processed first.
      await a.checkQueue(q);
      await t.attempt("close conn2", () => conn2.close());
      await waitForReady(t, conn, q, 3);
      t.log("q", await drainBrief(ch, q));
    },
  },
  {
    name: "cancelling-a-consumer-does-not-requeue-its-unacked-messages",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const other = await t.channel(conn, "other");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2", "m3"]);
      const c = t.collector();
      const { consumerTag } = await ch.consume(q, c.onMessage);
      await c.until(3);
      await t.attempt("cancel", async () => (await ch.cancel(consumerTag)) && "cancel-ok");
      await t.quiet();
      await t.attempt("get from another channel (nothing ready)", () => other.get(q, { noAck: true }));
      await t.attempt("ack m1 after cancel", () => ch.ack(c.messages[0]));
      await t.attempt("close channel", () => ch.close());
      await waitForReady(t, conn, q, 2);
      t.log("q after close", await drainBrief(other, q));
      t.log("deliveries", bodies(c.messages));
    },
  },
  {
    name: "unacked-basic-get-messages-are-requeued-when-the-channel-closes",
    async run(t) {
      const conn = await t.connect("conn");
      const ch1 = await t.channel(conn, "ch1");
      const ch2 = await t.channel(conn, "ch2");
      const q = t.queueName("q");
      await ch1.assertQueue(q, { durable: false });
      sendAll(ch1, q, ["m1", "m2", "m3", "m4"]);
      await getUnacked(ch1, q, 1); // m1
      const [m2] = await getUnacked(ch2, q, 1);
      await getUnacked(ch1, q, 1); // m3
      await t.attempt("close ch1", () => ch1.close());
      await waitForReady(t, conn, q, 3);
      t.log("q (m2 still unacked on ch2)", await drainBrief(ch2, q));
      ch2.ack(m2);
      await t.attempt("ch2 still fine", () => ch2.checkQueue(q));
    },
  },
  {
    name: "channel-error-requeues-the-unacked-messages-of-that-channel-only",
    async run(t) {
      const conn = await t.connect("conn");
      const bad = await t.channel(conn, "bad");
      const good = await t.channel(conn, "good");
      const q = t.queueName("q");
      await good.assertQueue(q, { durable: false });
      sendAll(good, q, ["m1", "m2", "m3", "m4"]);
      await good.checkQueue(q); // the publishes are routed before another channel looks
      await getUnacked(bad, q, 1); // m1
      const [m2] = await getUnacked(good, q, 1);
      await getUnacked(bad, q, 1); // m3
      await t.attempt("bad: checkQueue missing", () => bad.checkQueue(t.name("missing")));
      await waitForReady(t, conn, q, 3);
      t.log("q", await drainBrief(good, q));
      await t.attempt("good acks m2", () => good.ack(m2));
      await t.attempt("good still fine", () => good.checkQueue(q));
    },
  },
  {
    name: "acks-written-in-the-same-turn-as-connection-close-are-lost-and-the-messages-requeued",
    async run(t) {
      const setup = await t.connect();
      const admin = await t.channel(setup, "admin");
      const q = t.queueName("q");
      await admin.assertQueue(q, { durable: false });
      sendAll(admin, q, ["m1", "m2", "m3"]);
      await waitForReady(t, setup, q, 3);
      const conn = await t.connect("hasty");
      const ch = await t.channel(conn, "hasty ch");
      const c = t.collector();
      await ch.consume(q, c.onMessage);
      await c.until(3);
      // amqplib sends connection.close straight to the socket, ahead of the acks still in the
      // channel's buffer: the broker never sees them.
      for (const m of c.messages) ch.ack(m);
      await t.attempt("close right after acking", () => conn.close());
      await waitForReady(t, setup, q, 3);
      t.log("q after hasty close", await drainBrief(admin, q));
      sendAll(admin, q, ["n1"]);
      await waitForReady(t, setup, q, 1);
      const careful = await t.connect("careful");
      const ch2 = await t.channel(careful, "careful ch");
      const n = await ch2.get(q);
      if (!n) throw new Error("expected n1");
      ch2.ack(n);
      // Any round trip on the channel after the ack pushes it out before the close.
      await ch2.checkQueue(q);
      await t.attempt("close after a round trip", () => careful.close());
      t.log("q after careful close", await drainBrief(admin, q));
    },
  },
];

export default scenarios;
