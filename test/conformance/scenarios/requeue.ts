import type { Scenario } from "../harness";
import { brief, drainBrief, getUnacked, sendAll } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "requeued-message-goes-back-to-its-original-position-marked-redelivered",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2", "m3", "m4", "m5"]);
      const [m1, m2, m3] = await getUnacked(ch, q, 3);
      await t.attempt("reject m3 requeue", () => ch.reject(m3, true));
      await t.attempt("reject m1 requeue", () => ch.reject(m1, true));
      const next = await ch.get(q, { noAck: false });
      t.log("next get", next && brief(next));
      await t.attempt("nack m2 requeue", () => ch.nack(m2, false, true));
      if (next) await t.attempt("reject that one requeue", () => ch.reject(next, true));
      t.log("queue order", await drainBrief(ch, q));
    },
  },
  {
    name: "partial-requeues-restore-publish-order-across-several-rounds",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2", "m3", "m4", "m5", "m6"]);
      const round1 = await getUnacked(ch, q, 6);
      for (const i of [1, 3, 5]) ch.nack(round1[i], false, true);
      ch.ack(round1[0]);
      const round2 = await getUnacked(ch, q, 3);
      t.log("round 2", round2.map(brief));
      ch.reject(round2[2], true);
      ch.reject(round1[4], true);
      ch.ack(round2[0]);
      const round3 = await ch.get(q, { noAck: false });
      t.log("round 3 first", round3 && brief(round3));
      await t.attempt("nackAll requeue", () => ch.nackAll(true));
      t.log("final queue order", await drainBrief(ch, q));
    },
  },
  {
    name: "consumer-rejecting-with-requeue-gets-the-message-again-redelivered",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      await ch.prefetch(1);
      sendAll(ch, q, ["m1", "m2"]);
      const c = t.collector();
      await ch.consume(q, c.onMessage);
      await c.until(1);
      ch.reject(c.messages[0], true);
      await c.until(2);
      ch.nack(c.messages[1], false, true);
      await c.until(3);
      ch.ack(c.messages[2]);
      await c.until(4);
      ch.ack(c.messages[3]);
      t.log("deliveries", c.messages.map(brief));
      await t.quiet();
      t.log("delivery count", c.messages.length);
    },
  },
  {
    name: "reject-without-requeue-discards-and-later-messages-move-up",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2", "m3"]);
      const [m1, m2] = await getUnacked(ch, q, 2);
      await t.attempt("reject m1 discard", () => ch.reject(m1, false));
      await t.attempt("reject m2 requeue", () => ch.reject(m2, true));
      t.log("queue order", await drainBrief(ch, q));
    },
  },
];

export default scenarios;
