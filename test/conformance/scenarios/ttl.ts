// Message TTL: the queue's x-message-ttl and the per-message `expiration` property.
// Publishing goes through confirm channels: waitForConfirms() returns once the queues have taken
// the messages, whereas a checkQueue() (queue.declare passive) right after publishing can be
// answered by RabbitMQ before the queue has processed publishes still in its mailbox.
import type { Channel } from "../../../src/amqp";
import type { Scenario } from "../harness";

async function depth(ch: Channel, q: string): Promise<number> {
  return (await ch.checkQueue(q)).messageCount;
}

const scenarios: Scenario[] = [
  {
    name: "queue-message-ttl-expires-waiting-messages",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await t.attempt("assertQueue ttl=30", () => ch.assertQueue(q, { durable: false, messageTtl: 30 }));
      ch.sendToQueue(q, Buffer.from("a"));
      ch.sendToQueue(q, Buffer.from("b"));
      await ch.waitForConfirms();
      await t.waitFor(async () => (await depth(ch, q)) === 0, 3000, "both messages to expire");
      await t.attempt("checkQueue after expiry", () => ch.checkQueue(q));
      await t.attempt("get after expiry", () => ch.get(q, { noAck: true }));
      ch.sendToQueue(q, Buffer.from("fresh"));
      await t.attempt("get at once", async () => t.summarize(await ch.get(q, { noAck: true })));
    },
  },
  {
    name: "per-message-expiration-and-queue-ttl-the-lower-wins",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const shortQueue = t.queueName("short-queue-ttl");
      const longQueue = t.queueName("long-queue-ttl");
      await ch.assertQueue(shortQueue, { durable: false, messageTtl: 30 });
      await ch.assertQueue(longQueue, { durable: false, messageTtl: 600000 });
      // queue TTL 30 ms beats a message expiration of 10 minutes
      ch.sendToQueue(shortQueue, Buffer.from("long-expiration"), { expiration: "600000" });
      // message expiration 30 ms beats a queue TTL of 10 minutes; the one without expiration stays
      ch.sendToQueue(longQueue, Buffer.from("short-expiration"), { expiration: "30" });
      ch.sendToQueue(longQueue, Buffer.from("no-expiration"));
      await ch.waitForConfirms();
      await t.waitFor(async () => (await depth(ch, shortQueue)) === 0, 3000, "queue ttl to win");
      await t.waitFor(async () => (await depth(ch, longQueue)) === 1, 3000, "message expiration to win");
      await t.attempt("checkQueue short-queue-ttl", () => ch.checkQueue(shortQueue));
      await t.attempt("checkQueue long-queue-ttl", () => ch.checkQueue(longQueue));
      await t.attempt("get long-queue-ttl", async () => t.summarize(await ch.get(longQueue, { noAck: true })));
      // a live message keeps its expiration property when delivered
      ch.sendToQueue(longQueue, Buffer.from("keeps-expiration"), { expiration: "600000" });
      await t.attempt("get keeps expiration", async () => t.summarize(await ch.get(longQueue, { noAck: true })));
    },
  },
  {
    name: "per-message-ttl-expires-only-at-queue-head",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      ch.sendToQueue(q, Buffer.from("head-long-lived"), { expiration: "600000" });
      ch.sendToQueue(q, Buffer.from("behind-short-lived"), { expiration: "20" });
      ch.sendToQueue(q, Buffer.from("tail-no-expiration"));
      await ch.waitForConfirms();
      await t.sleep(250);
      // the expired message is stuck behind the live head and still counts
      await t.attempt("checkQueue while expired message is behind the head", () => ch.checkQueue(q));
      await t.attempt("get head", async () => t.summarize(await ch.get(q, { noAck: true })));
      // now the expired message is at the head: it is discarded instead of delivered
      await t.attempt("get next", async () => t.summarize(await ch.get(q, { noAck: true })));
      await t.attempt("checkQueue at the end", () => ch.checkQueue(q));
    },
  },
  {
    name: "zero-queue-ttl-delivers-only-to-a-waiting-consumer",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false, messageTtl: 0 });
      // nobody is waiting: dropped at once
      ch.sendToQueue(q, Buffer.from("no-consumer"));
      await ch.waitForConfirms();
      await t.attempt("checkQueue without consumer", () => ch.checkQueue(q));
      await t.attempt("get without consumer", () => ch.get(q, { noAck: true }));
      // a consumer is waiting: delivered
      const col = t.collector();
      const consumer = await ch.consume(q, col.onMessage, { noAck: false });
      ch.sendToQueue(q, Buffer.from("consumer-waiting"));
      await col.until(1);
      // the consumer's prefetch is full: nobody can take it, dropped
      await ch.cancel(consumer.consumerTag);
      const ch2 = await t.channel(conn, "ch2");
      await ch2.prefetch(1);
      const col2 = t.collector();
      await ch2.consume(q, col2.onMessage, { noAck: false });
      ch.sendToQueue(q, Buffer.from("fills-prefetch"));
      await col2.until(1);
      ch.sendToQueue(q, Buffer.from("prefetch-full"));
      await ch.waitForConfirms();
      await t.quiet(150);
      for (const m of col.messages) t.log("consumer 1 got", t.summarize(m));
      for (const m of col2.messages) t.log("consumer 2 got", t.summarize(m));
      await t.attempt("checkQueue at the end", () => ch.checkQueue(q));
    },
  },
  {
    name: "zero-per-message-expiration-delivers-only-to-a-waiting-consumer",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      ch.sendToQueue(q, Buffer.from("no-consumer"), { expiration: "0" });
      ch.sendToQueue(q, Buffer.from("survivor"));
      await ch.waitForConfirms();
      await t.attempt("checkQueue without consumer", () => ch.checkQueue(q));
      await t.attempt("get survivor", async () => t.summarize(await ch.get(q, { noAck: true })));
      const col = t.collector();
      await ch.consume(q, col.onMessage, { noAck: true });
      ch.sendToQueue(q, Buffer.from("consumer-waiting"), { expiration: "0" });
      await ch.waitForConfirms();
      await col.until(1);
      await t.quiet(100);
      for (const m of col.messages) t.log("consumer got", t.summarize(m));
    },
  },
  {
    name: "expired-message-is-not-returned-by-basic-get",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      ch.sendToQueue(q, Buffer.from("short"), { expiration: "20" });
      ch.sendToQueue(q, Buffer.from("long"), { expiration: "600000" });
      await ch.waitForConfirms();
      await t.sleep(200);
      await t.attempt("get skips the expired head", async () => t.summarize(await ch.get(q, { noAck: true })));
      await t.attempt("get again", () => ch.get(q, { noAck: true }));
    },
  },
  {
    name: "requeued-message-keeps-its-original-expiry",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false, messageTtl: 100 });
      ch.sendToQueue(q, Buffer.from("held"));
      await ch.waitForConfirms();
      const held = await ch.get(q, { noAck: false });
      t.log("got", t.summarize(held));
      // an unacked message does not expire while it is held
      await t.sleep(400);
      await t.attempt("checkQueue while held past its ttl", () => ch.checkQueue(q));
      if (held) ch.nack(held, false, true);
      // at once, well within a fresh 100 ms: the requeued message is already past its expiry
      await t.attempt("get right after requeue", async () => t.summarize(await ch.get(q, { noAck: true })));
      await t.attempt("checkQueue after requeue", () => ch.checkQueue(q));
    },
  },
  {
    name: "expired-message-without-dead-letter-exchange-is-dropped",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      const watcher = t.queueName("watcher");
      const ex = t.exchangeName("fanout");
      await ch.assertExchange(ex, "fanout", { durable: false });
      await ch.assertQueue(q, { durable: false, messageTtl: 20 });
      await ch.assertQueue(watcher, { durable: false });
      await ch.bindQueue(q, ex, "");
      await ch.bindQueue(watcher, ex, "");
      ch.publish(ex, "k", Buffer.from("expires"));
      await ch.waitForConfirms();
      await t.waitFor(async () => (await depth(ch, q)) === 0, 3000, "message to expire");
      await t.attempt("checkQueue expired queue", () => ch.checkQueue(q));
      // the copy routed to a queue without TTL is still there
      await t.attempt("get copy without ttl", async () => t.summarize(await ch.get(watcher, { noAck: true })));
    },
  },
];

export default scenarios;
