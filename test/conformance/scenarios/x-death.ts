// The x-death header and x-first-death-* headers, exactly as RabbitMQ writes them.
// Publishing goes through confirm channels so that waitForConfirms() is a barrier.
import type { Channel, Message } from "../../../src/amqp";
import type { Scenario, ScenarioContext } from "../harness";
import { workQueueWithDeadLetterQueue } from "../scenario-kit";

async function depth(ch: Channel, q: string): Promise<number> {
  return (await ch.checkQueue(q)).messageCount;
}

/** Waits until `q` holds a message and takes it (unacked). */
async function take(t: ScenarioContext, ch: Channel, q: string, what: string): Promise<Message> {
  await t.waitFor(async () => (await depth(ch, q)) >= 1, 3000, what);
  const m = await ch.get(q);
  if (!m) throw new Error(`no message for ${what}`);
  return m;
}

const scenarios: Scenario[] = [
  {
    name: "x-death-header-for-a-rejected-message",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const src = t.exchangeName("src");
      const dlx = t.exchangeName("dlx");
      const dlq = t.queueName("dlq");
      const q = t.queueName("work");
      await ch.assertExchange(src, "topic", { durable: false });
      await ch.assertExchange(dlx, "fanout", { durable: false });
      await ch.assertQueue(dlq, { durable: false });
      await ch.bindQueue(dlq, dlx, "");
      await ch.assertQueue(q, { durable: false, deadLetterExchange: dlx });
      await ch.bindQueue(q, src, "orders.#");
      ch.publish(src, "orders.created", Buffer.from("m"), { headers: { keep: "me" }, messageId: "id-1" });
      await ch.waitForConfirms();
      const m = await take(t, ch, q, "work");
      ch.reject(m, false);
      const dead = await take(t, ch, dlq, "dlq");
      t.log("dead-lettered", t.summarize(dead));
      ch.ack(dead);
    },
  },
  {
    name: "x-death-original-expiration-replaces-the-expiration-property",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const { dlq, q } = await workQueueWithDeadLetterQueue(t, ch, "work");
      // rejected while it still had time to live
      ch.sendToQueue(q, Buffer.from("rejected-with-expiration"), { expiration: "600000" });
      await ch.waitForConfirms();
      const m = await take(t, ch, q, "work");
      ch.reject(m, false);
      const dead1 = await take(t, ch, dlq, "dlq 1");
      t.log("rejected one", t.summarize(dead1));
      ch.ack(dead1);
      // expired by its own expiration
      ch.sendToQueue(q, Buffer.from("expired-by-expiration"), { expiration: "20" });
      await ch.waitForConfirms();
      const dead2 = await take(t, ch, dlq, "dlq 2");
      t.log("expired one", t.summarize(dead2));
      ch.ack(dead2);
    },
  },
  {
    name: "x-death-expired-by-queue-ttl-has-no-original-expiration",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const dlx = t.exchangeName("dlx");
      const dlq = t.queueName("dlq");
      const q = t.queueName("ttl");
      await ch.assertExchange(dlx, "direct", { durable: false });
      await ch.assertQueue(dlq, { durable: false });
      await ch.bindQueue(dlq, dlx, "rk");
      await ch.assertQueue(q, { durable: false, messageTtl: 20, deadLetterExchange: dlx, deadLetterRoutingKey: "rk" });
      ch.sendToQueue(q, Buffer.from("expired-by-queue-ttl"));
      await ch.waitForConfirms();
      const dead = await take(t, ch, dlq, "dlq");
      t.log("dead-lettered", t.summarize(dead));
      ch.ack(dead);
    },
  },
  {
    name: "x-death-routing-keys-include-cc-but-not-bcc",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const src = t.exchangeName("src");
      const dlq = t.queueName("dlq");
      const q = t.queueName("work");
      await ch.assertExchange(src, "direct", { durable: false });
      await ch.assertQueue(dlq, { durable: false });
      await ch.assertQueue(q, { durable: false, deadLetterExchange: "", deadLetterRoutingKey: dlq });
      await ch.bindQueue(q, src, "main");
      ch.publish(src, "main", Buffer.from("m"), { CC: ["cc-1", "cc-2"], BCC: "secret" });
      await ch.waitForConfirms();
      const m = await take(t, ch, q, "work");
      t.log("work got", t.summarize(m));
      ch.nack(m, false, false);
      const dead = await take(t, ch, dlq, "dlq");
      t.log("dead-lettered", t.summarize(dead));
      ch.ack(dead);
    },
  },
  {
    name: "x-death-counts-repeated-rejections-newest-first",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      // ping rejects into pong and pong rejects into ping
      const ping = t.queueName("ping");
      const pong = t.queueName("pong");
      await ch.assertQueue(ping, { durable: false, deadLetterExchange: "", deadLetterRoutingKey: pong });
      await ch.assertQueue(pong, { durable: false, deadLetterExchange: "", deadLetterRoutingKey: ping });
      ch.sendToQueue(ping, Buffer.from("ball"));
      await ch.waitForConfirms();
      let from = ping;
      let to = pong;
      for (let hop = 1; hop <= 5; hop++) {
        const m = await take(t, ch, from, `hop ${hop}`);
        t.log(`hop ${hop} headers`, m.properties.headers);
        ch.reject(m, false);
        [from, to] = [to, from];
      }
      const last = await take(t, ch, from, "last");
      t.log("last headers", last.properties.headers);
      ch.ack(last);
    },
  },
  {
    name: "x-death-separate-entries-per-reason-for-the-same-queue",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      // work (max-length 1) dead-letters into side, side dead-letters back into work
      const q = t.queueName("work");
      const side = t.queueName("side");
      await ch.assertQueue(q, { durable: false, maxLength: 1, deadLetterExchange: "", deadLetterRoutingKey: side });
      await ch.assertQueue(side, { durable: false, deadLetterExchange: "", deadLetterRoutingKey: q });
      ch.sendToQueue(q, Buffer.from("traveller"));
      await ch.waitForConfirms();
      const m1 = await take(t, ch, q, "work 1");
      ch.reject(m1, false); // work / rejected
      const m2 = await take(t, ch, side, "side 1");
      ch.reject(m2, false); // side / rejected
      await t.waitFor(async () => (await depth(ch, q)) === 1, 3000, "back in work");
      ch.sendToQueue(q, Buffer.from("pusher")); // pushes traveller out: work / maxlen
      await ch.waitForConfirms();
      const m3 = await take(t, ch, side, "side 2");
      t.log("traveller", t.summarize(m3));
      ch.ack(m3);
      await t.attempt("get pusher", async () => t.summarize(await ch.get(q, { noAck: true })));
    },
  },
  {
    name: "x-death-through-a-delayed-retry-loop",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      // the classic delayed-retry topology: work --rejected--> retry exchange --> retry queue
      // (TTL) --expired--> work exchange --> work queue
      const workEx = t.exchangeName("work-ex");
      const retryEx = t.exchangeName("retry-ex");
      const work = t.queueName("work");
      const retry = t.queueName("retry");
      await ch.assertExchange(workEx, "direct", { durable: false });
      await ch.assertExchange(retryEx, "fanout", { durable: false });
      await ch.assertQueue(work, { durable: false, deadLetterExchange: retryEx });
      await ch.assertQueue(retry, { durable: false, messageTtl: 30, deadLetterExchange: workEx });
      await ch.bindQueue(work, workEx, "task");
      await ch.bindQueue(retry, retryEx, "");
      const col = t.collector();
      ch.publish(workEx, "task", Buffer.from("job"), { headers: { job: 7 } });
      await ch.waitForConfirms();
      await ch.consume(work, (msg) => {
        col.onMessage(msg);
        if (!msg) return;
        // fail three times, succeed on the fourth delivery
        if (col.messages.length <= 3) ch.reject(msg, false);
        else ch.ack(msg);
      });
      await col.until(4);
      col.messages.forEach((m, i) => t.log(`delivery ${i + 1}`, t.summarize(m)));
      await t.quiet(100);
      await t.attempt("checkQueue retry", () => ch.checkQueue(retry));
    },
  },
];

export default scenarios;
