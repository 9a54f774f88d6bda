// Priority queues (x-max-priority). Publishing goes through confirm channels so that
// waitForConfirms() is a barrier before the queue is read.
import type { Channel } from "../../../src/amqp";
import type { Scenario, ScenarioContext } from "../harness";

/** Takes everything in `q` with get and traces body:priority pairs in delivery order. */
async function order(t: ScenarioContext, ch: Channel, q: string, label: string): Promise<void> {
  const out: string[] = [];
  for (;;) {
    const m = await ch.get(q, { noAck: true });
    if (!m) break;
    out.push(`${m.content.toString()} priority=${String(m.properties.priority)} redelivered=${m.fields.redelivered}`);
  }
  t.log(`${label} order`, out);
}

const scenarios: Scenario[] = [
  {
    name: "priority-queue-delivers-highest-first-fifo-within-a-level-no-priority-is-zero",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await t.attempt("assertQueue", () => ch.assertQueue(q, { durable: false, maxPriority: 10 }));
      const plan: [string, number | undefined][] = [
        ["a", 1], ["b", 5], ["none-1", undefined], ["c", 10], ["d", 5], ["zero", 0], ["e", 1], ["none-2", undefined], ["f", 10],
      ];
      for (const [body, priority] of plan) ch.sendToQueue(q, Buffer.from(body), priority === undefined ? {} : { priority });
      await ch.waitForConfirms();
      await t.attempt("checkQueue", () => ch.checkQueue(q));
      await order(t, ch, q, "q");
    },
  },
  {
    name: "priority-above-the-queue-maximum-is-treated-as-the-maximum",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false, maxPriority: 3 });
      const plan: [string, number][] = [["p3-first", 3], ["p200", 200], ["p4", 4], ["p3-last", 3], ["p2", 2], ["p255", 255]];
      for (const [body, priority] of plan) ch.sendToQueue(q, Buffer.from(body), { priority });
      await ch.waitForConfirms();
      await order(t, ch, q, "q");
    },
  },
  {
    name: "classic-queue-without-max-priority-ignores-message-priority",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      const plan: [string, number][] = [["low", 1], ["high", 9], ["mid", 5]];
      for (const [body, priority] of plan) ch.sendToQueue(q, Buffer.from(body), { priority });
      await ch.waitForConfirms();
      await order(t, ch, q, "q");
    },
  },
  {
    name: "requeued-message-goes-back-in-its-priority-level",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false, maxPriority: 5 });
      ch.sendToQueue(q, Buffer.from("high-1"), { priority: 5 });
      ch.sendToQueue(q, Buffer.from("high-2"), { priority: 5 });
      ch.sendToQueue(q, Buffer.from("low-1"), { priority: 1 });
      await ch.waitForConfirms();
      const high1 = await ch.get(q);
      t.log("took", high1 ? high1.content.toString() : high1);
      ch.sendToQueue(q, Buffer.from("mid"), { priority: 3 });
      ch.sendToQueue(q, Buffer.from("high-3"), { priority: 5 });
      await ch.waitForConfirms();
      if (high1) ch.nack(high1, false, true);
      // high-1 is back at the front of its level, ahead of high-2 and the later high-3
      await t.attempt("get after requeue", async () => t.summarize(await ch.get(q, { noAck: true })));
      await order(t, ch, q, "after high-1 requeued");
    },
  },
  {
    name: "consumer-gets-waiting-messages-highest-priority-first",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false, maxPriority: 9 });
      const plan: [string, number][] = [["p1", 1], ["p9", 9], ["p4", 4], ["p9-b", 9], ["p0", 0], ["p4-b", 4]];
      for (const [body, priority] of plan) ch.sendToQueue(q, Buffer.from(body), { priority });
      await ch.waitForConfirms();
      const consumerChannel = await t.channel(conn, "consumer");
      await consumerChannel.prefetch(1);
      const col = t.collector();
      await consumerChannel.consume(q, (msg) => {
        col.onMessage(msg);
        // a late, higher-priority publish overtakes what is still waiting
        if (col.messages.length === 2) ch.sendToQueue(q, Buffer.from("late-p7"), { priority: 7 });
        if (msg && col.messages.length < 7) setTimeout(() => consumerChannel.ack(msg), 50);
      });
      await col.until(7);
      t.log("consumer order", col.messages.map((m) => `${m.content.toString()} priority=${String(m.properties.priority)}`));
    },
  },
];

export default scenarios;
