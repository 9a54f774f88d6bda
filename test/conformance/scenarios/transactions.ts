// AMQP transactions (tx.select / tx.commit / tx.rollback) through src/transactions.ts.
import type { Channel } from "../../../src/amqp";
import { channelRpc } from "../../../src/amqplib-internals";
import { txCommit, txRollback, txSelect } from "../../../src/transactions";
import type { Scenario, ScenarioContext } from "../harness";

async function depth(ch: Channel, q: string): Promise<number> {
  return (await ch.checkQueue(q)).messageCount;
}

async function bodies(t: ScenarioContext, ch: Channel, q: string, label: string): Promise<void> {
  const out: string[] = [];
  for (;;) {
    const m = await ch.get(q, { noAck: true });
    if (!m) break;
    out.push(`${m.content.toString()} redelivered=${m.fields.redelivered}`);
  }
  t.log(`${label} bodies`, out);
}

/** A queue holding the given messages, published through a confirm channel. */
async function filledQueue(t: ScenarioContext, label: string, messages: string[]): Promise<string> {
  const conn = await t.connect();
  const ch = await conn.createConfirmChannel();
  const q = t.queueName(label);
  await ch.assertQueue(q, { durable: false });
  for (const body of messages) ch.sendToQueue(q, Buffer.from(body));
  await ch.waitForConfirms();
  await ch.close();
  return q;
}

const scenarios: Scenario[] = [
  {
    name: "tx-publishes-are-invisible-until-commit",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "tx");
      const observer = await t.channel(conn, "observer");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      await t.attempt("txSelect", () => txSelect(ch));
      ch.sendToQueue(q, Buffer.from("m1"));
      ch.sendToQueue(q, Buffer.from("m2"));
      await ch.checkQueue(q);
      await t.quiet(100);
      await t.attempt("observer checkQueue before commit", () => observer.checkQueue(q));
      await t.attempt("observer get before commit", () => observer.get(q, { noAck: true }));
      await t.attempt("txCommit", () => txCommit(ch));
      await t.waitFor(async () => (await depth(observer, q)) === 2, 3000, "committed messages");
      await bodies(t, observer, q, "after commit");
      // the channel stays transactional: the next publish waits for the next commit too
      ch.sendToQueue(q, Buffer.from("m3"));
      await ch.checkQueue(q);
      await t.quiet(100);
      await t.attempt("observer get before second commit", () => observer.get(q, { noAck: true }));
      await t.attempt("txCommit again", () => txCommit(ch));
      await t.waitFor(async () => (await depth(observer, q)) === 1, 3000, "second commit");
      await bodies(t, observer, q, "after second commit");
    },
  },
  {
    name: "tx-rollback-discards-publishes-since-the-last-commit",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "tx");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      await txSelect(ch);
      ch.sendToQueue(q, Buffer.from("committed"));
      await t.attempt("txCommit", () => txCommit(ch));
      ch.sendToQueue(q, Buffer.from("rolled-back-1"));
      ch.sendToQueue(q, Buffer.from("rolled-back-2"));
      await t.attempt("txRollback", () => txRollback(ch));
      ch.sendToQueue(q, Buffer.from("after-rollback"));
      await t.attempt("txCommit after rollback", () => txCommit(ch));
      await t.waitFor(async () => (await depth(ch, q)) === 2, 3000, "two committed messages");
      await t.quiet(100);
      await bodies(t, ch, q, "q");
    },
  },
  {
    name: "tx-acks-take-effect-only-on-commit",
    async run(t) {
      const q = await filledQueue(t, "q", ["m1", "m2"]);
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "tx");
      await txSelect(ch);
      const m1 = await ch.get(q);
      const m2 = await ch.get(q);
      if (!m1 || !m2) throw new Error("expected two messages");
      ch.ack(m1);
      ch.ack(m2);
      await t.attempt("txCommit", () => txCommit(ch));
      // acked and committed: closing the channel does not bring them back
      await ch.close();
      const ch2 = await t.channel(conn, "tx2");
      await txSelect(ch2);
      const again = await ch2.get(q);
      t.log("get after committed acks", t.summarize(again));
      const q2 = await filledQueue(t, "q2", ["n1"]);
      const n1 = await ch2.get(q2);
      if (!n1) throw new Error("expected n1");
      ch2.ack(n1);
      // acked but never committed: the channel closes and the message comes back
      await ch2.close();
      const plain = await t.channel(conn, "plain");
      await t.waitFor(async () => (await depth(plain, q2)) === 1, 3000, "n1 requeued");
      await bodies(t, plain, q2, "q2 after uncommitted ack and close");
    },
  },
  {
    name: "tx-rolled-back-ack-leaves-the-message-unacked-not-requeued",
    async run(t) {
      const q = await filledQueue(t, "q", ["m1", "m2"]);
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "tx");
      const observer = await t.channel(conn, "observer");
      await txSelect(ch);
      const m1 = await ch.get(q);
      const m2 = await ch.get(q);
      if (!m1 || !m2) throw new Error("expected two messages");
      ch.ack(m1);
      ch.ack(m2);
      await t.attempt("txRollback", () => txRollback(ch));
      await t.quiet(100);
      // not requeued: still held by the channel
      await t.attempt("observer checkQueue after rollback", () => observer.checkQueue(q));
      await t.attempt("observer get after rollback", () => observer.get(q, { noAck: true }));
      // m1 can be acked again and committed
      ch.ack(m1);
      await t.attempt("txCommit ack of m1", () => txCommit(ch));
      // closing the channel requeues only m2
      await ch.close();
      await t.waitFor(async () => (await depth(observer, q)) === 1, 3000, "m2 requeued");
      await bodies(t, observer, q, "after close");
    },
  },
  {
    name: "tx-rolled-back-reject-leaves-the-message-unacked",
    async run(t) {
      const q = await filledQueue(t, "q", ["m1"]);
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "tx");
      const observer = await t.channel(conn, "observer");
      await txSelect(ch);
      const m1 = await ch.get(q);
      if (!m1) throw new Error("expected m1");
      ch.reject(m1, true);
      await t.attempt("txRollback", () => txRollback(ch));
      await t.quiet(100);
      await t.attempt("observer get after rolled-back requeue", () => observer.get(q, { noAck: true }));
      ch.reject(m1, true);
      await t.attempt("txCommit", () => txCommit(ch));
      await t.waitFor(async () => (await depth(observer, q)) === 1, 3000, "m1 requeued");
      await bodies(t, observer, q, "after committed requeue");
    },
  },
  {
    name: "tx-mandatory-unroutable-publish-is-returned-at-commit",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "tx");
      await txSelect(ch);
      ch.publish("", t.name("nowhere"), Buffer.from("unroutable"), { mandatory: true });
      await ch.assertQueue("", { exclusive: true });
      await t.quiet(100);
      t.log("before commit");
      await t.attempt("txCommit", () => txCommit(ch));
      await t.quiet(100);
    },
  },
  {
    name: "tx-commit-or-rollback-without-select-is-a-channel-error",
    async run(t) {
      const q = await filledQueue(t, "other", ["survives"]);
      const conn = await t.connect("conn");
      const ch1 = await t.channel(conn, "ch1");
      await t.attempt("txCommit without select", () => txCommit(ch1));
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("txRollback without select", () => txRollback(ch2));
      const ch3 = await t.channel(conn, "ch3");
      await t.attempt("txSelect", () => txSelect(ch3));
      await t.attempt("txSelect twice", () => txSelect(ch3));
      await t.attempt("txCommit with nothing to commit", () => txCommit(ch3));
      await t.attempt("get other", async () => t.summarize(await ch3.get(q, { noAck: true })));
    },
  },
  {
    name: "tx-select-on-a-confirm-channel-is-a-channel-error",
    async run(t) {
      const q = await filledQueue(t, "other", ["survives"]);
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "confirm");
      await t.attempt("txSelect on confirm channel", () => txSelect(ch));
      const ch2 = await t.channel(conn, "after");
      await t.attempt("get other", async () => t.summarize(await ch2.get(q, { noAck: true })));
    },
  },
  {
    name: "confirm-select-on-a-tx-channel-is-a-channel-error",
    async run(t) {
      const q = await filledQueue(t, "other", ["survives"]);
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "tx");
      await txSelect(ch);
      await t.attempt("confirm.select on tx channel", () =>
        channelRpc(ch, "ConfirmSelect", { nowait: false }, "ConfirmSelectOk"),
      );
      const ch2 = await t.channel(conn, "after");
      await t.attempt("get other", async () => t.summarize(await ch2.get(q, { noAck: true })));
    },
  },
];

export default scenarios;
