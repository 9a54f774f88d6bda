import type { Scenario } from "../harness";
import { brief, drainBrief, fakeDelivery, getUnacked, sendAll, waitForReady } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "ack-removes-the-message-for-good",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2"]);
      const [m1] = await getUnacked(ch, q, 1);
      t.log("got", t.summarize(m1));
      await t.attempt("ack m1", () => ch.ack(m1));
      await t.attempt("recover (requeues only what is unacked)", () => ch.recover());
      t.log("left", await drainBrief(ch, q));
    },
  },
  {
    name: "ack-multiple-acknowledges-every-delivery-up-to-the-tag",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2", "m3", "m4", "m5"]);
      const got = await getUnacked(ch, q, 5);
      t.log("tags", got.map((m) => m.fields.deliveryTag));
      await t.attempt("ack m3 multiple", () => ch.ack(got[2], true));
      await t.attempt("recover", () => ch.recover());
      t.log("requeued (were unacked)", await drainBrief(ch, q));
    },
  },
  {
    name: "ack-all-and-nack-all-settle-every-outstanding-delivery",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["a1", "a2", "a3"]);
      await getUnacked(ch, q, 3);
      await t.attempt("ackAll", () => ch.ackAll());
      sendAll(ch, q, ["n1", "n2", "n3"]);
      await getUnacked(ch, q, 3);
      await t.attempt("nackAll requeue", () => ch.nackAll(true));
      const again = await getUnacked(ch, q, 3);
      t.log("redelivered after nackAll(true)", again.map(brief));
      await t.attempt("nackAll discard", () => ch.nackAll(false));
      await t.attempt("ackAll with nothing outstanding", () => ch.ackAll());
      t.log("left", await drainBrief(ch, q));
      await t.attempt("channel still open", () => ch.checkQueue(q));
    },
  },
  {
    name: "nack-and-reject-without-requeue-discard-the-message",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2", "m3", "m4"]);
      const [m1, m2, m3] = await getUnacked(ch, q, 3);
      await t.attempt("reject m1 requeue=false", () => ch.reject(m1, false));
      await t.attempt("nack m2 requeue=false", () => ch.nack(m2, false, false));
      await t.attempt("ack m3", () => ch.ack(m3));
      t.log("left", await drainBrief(ch, q));
    },
  },
  {
    name: "nack-multiple-requeues-every-delivery-up-to-the-tag",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1", "m2", "m3", "m4", "m5"]);
      const got = await getUnacked(ch, q, 4);
      await t.attempt("nack m3 multiple requeue", () => ch.nack(got[2], true, true));
      t.log("queue after nack (m4 still unacked)", await drainBrief(ch, q));
      await t.attempt("ack m4", () => ch.ack(got[3]));
      await t.attempt("channel still open", () => ch.checkQueue(q));
    },
  },
  {
    name: "acking-the-same-delivery-twice-is-406-unknown-delivery-tag-and-requeues-the-rest",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      const other = t.queueName("other");
      await ch.assertQueue(q, { durable: false });
      await ch.assertQueue(other, { durable: false });
      sendAll(ch, q, ["m1", "m2", "m3"]);
      ch.sendToQueue(other, Buffer.from("other-msg"));
      const [m1] = await getUnacked(ch, q, 2);
      await t.attempt("ack m1", () => ch.ack(m1));
      await t.attempt("ack m1 again", () => ch.ack(m1));
      await t.attempt("get right after (already sent)", () => ch.get(q));
      await t.attempt("ack after channel closed", () => ch.ack(m1));
      await t.attempt("get after channel closed", () => ch.get(q));
      const ch2 = await t.channel(conn, "ch2");
      await waitForReady(t, conn, q, 2);
      t.log("q (m2 was unacked on the failed channel)", await drainBrief(ch2, q));
      t.log("other queue", await drainBrief(ch2, other));
    },
  },
  {
    name: "acking-an-unknown-delivery-tag-is-406-channel-error",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      sendAll(ch, q, ["m1"]);
      const [m1] = await getUnacked(ch, q, 1);
      t.log("got", brief(m1));
      await t.attempt("ack tag 7", () => ch.ack(fakeDelivery(7)));
      await t.attempt("checkQueue right after", () => ch.checkQueue(q));
      const ch2 = await t.channel(conn, "ch2");
      await waitForReady(t, conn, q, 1);
      t.log("q", await drainBrief(ch2, q));
    },
  },
  {
    name: "nack-and-reject-of-unknown-delivery-tags-are-406-too",
    async run(t) {
      const conn = await t.connect("conn");
      const ch1 = await t.channel(conn, "ch1");
      await t.attempt("nack tag 3", () => ch1.nack(fakeDelivery(3), false, true));
      await t.waitFor(() => t.trace.some(([e]) => e === "ch1 close"), 2000, "ch1 closed");
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("reject tag 4", () => ch2.reject(fakeDelivery(4), false));
      await t.waitFor(() => t.trace.some(([e]) => e === "ch2 close"), 2000, "ch2 closed");
      const ch3 = await t.channel(conn, "ch3");
      await t.attempt("nack multiple up to tag 5 (none outstanding)", () => ch3.nack(fakeDelivery(5), true, true));
      await t.waitFor(() => t.trace.some(([e]) => e === "ch3 close"), 2000, "ch3 closed");
      const ch4 = await t.channel(conn, "ch4");
      await t.attempt("ack multiple tag 6 (none outstanding)", () => ch4.ack(fakeDelivery(6), true));
      await t.waitFor(() => t.trace.some(([e]) => e === "ch4 close"), 2000, "ch4 closed");
    },
  },
  {
    name: "acking-a-delivery-of-a-no-ack-consumer-is-406-unknown-delivery-tag",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      const c = t.collector();
      await ch.consume(q, c.onMessage, { noAck: true });
      ch.sendToQueue(q, Buffer.from("auto-acked"));
      await c.until(1);
      t.log("delivery", t.summarize(c.messages[0]));
      await t.attempt("ack it", () => ch.ack(c.messages[0]));
      await t.waitFor(() => t.trace.some(([e]) => e === "ch close"), 2000, "ch closed");
      const ch2 = await t.channel(conn, "ch2");
      t.log("q", await drainBrief(ch2, q));
    },
  },
  {
    name: "acking-a-delivery-tag-from-another-channel-is-406-on-the-acking-channel",
    async run(t) {
      const conn = await t.connect("conn");
      const owner = await t.channel(conn, "owner");
      const intruder = await t.channel(conn, "intruder");
      const q = t.queueName("q");
      await owner.assertQueue(q, { durable: false });
      sendAll(owner, q, ["m1", "m2"]);
      const [m1] = await getUnacked(owner, q, 1);
      await t.attempt("intruder acks owner's delivery", () => intruder.ack(m1));
      await t.waitFor(() => t.trace.some(([e]) => e === "intruder close"), 2000, "intruder closed");
      await t.attempt("owner acks it", () => owner.ack(m1));
      t.log("q", await drainBrief(owner, q));
    },
  },
];

export default scenarios;
