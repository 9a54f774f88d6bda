// Queue length limits: x-max-length, x-max-length-bytes and the x-overflow behaviours.
// Publishing goes through confirm channels so that waitForConfirms() is a barrier.
import type { Channel, ConfirmChannel } from "../../../src/amqp";
import type { Scenario, ScenarioContext } from "../harness";

async function depth(ch: Channel, q: string): Promise<number> {
  return (await ch.checkQueue(q)).messageCount;
}

/** Takes everything in `q` with get and traces the bodies in order. */
async function bodies(t: ScenarioContext, ch: Channel, q: string, label: string): Promise<void> {
  const out: string[] = [];
  for (;;) {
    const m = await ch.get(q, { noAck: true });
    if (!m) break;
    out.push(m.content.toString());
  }
  t.log(`${label} bodies`, out);
}

/**
 * Publishes and records each confirm callback's outcome under the message body. The returned
 * promise settles with the callback: waitForConfirms() rejects at the first nack, possibly
 * before the callbacks of later publishes ran, so await these before tracing the outcomes.
 */
function publishTracked(
  ch: ConfirmChannel,
  outcomes: Record<string, string>,
  exchange: string,
  key: string,
  body: string,
  options: Record<string, unknown> = {},
): Promise<void> {
  return new Promise((resolve) => {
    ch.publish(exchange, key, Buffer.from(body), options, (err) => {
      outcomes[body] = err ? `nack: ${err instanceof Error ? err.message : String(err)}` : "ack";
      resolve();
    });
  });
}

const scenarios: Scenario[] = [
  {
    name: "max-length-drop-head-discards-the-oldest-messages",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false, maxLength: 2 });
      for (const body of ["m1", "m2", "m3", "m4"]) ch.sendToQueue(q, Buffer.from(body));
      await t.attempt("waitForConfirms", () => ch.waitForConfirms());
      await t.attempt("checkQueue", () => ch.checkQueue(q));
      await bodies(t, ch, q, "q");
    },
  },
  {
    name: "max-length-bytes-counts-message-body-bytes-only",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false, arguments: { "x-max-length-bytes": 10 } });
      // headers and properties do not count: 4 + 4 bytes fit
      ch.sendToQueue(q, Buffer.from("aaaa"), { headers: { big: "x".repeat(200) } });
      ch.sendToQueue(q, Buffer.from("bbbb"), { messageId: "y".repeat(100) });
      await ch.waitForConfirms();
      await t.attempt("checkQueue 8 bytes", () => ch.checkQueue(q));
      // 4 + 4 + 3 > 10: the head goes
      ch.sendToQueue(q, Buffer.from("ccc"));
      await ch.waitForConfirms();
      await t.attempt("checkQueue after 11 bytes", () => ch.checkQueue(q));
      // a single message larger than the limit does not stay either
      ch.sendToQueue(q, Buffer.from("z".repeat(11)));
      await ch.waitForConfirms();
      await t.attempt("checkQueue after oversized message", () => ch.checkQueue(q));
      ch.sendToQueue(q, Buffer.from(""));
      ch.sendToQueue(q, Buffer.from("0123456789"));
      await ch.waitForConfirms();
      await bodies(t, ch, q, "q");
    },
  },
  {
    name: "max-length-drop-head-dead-letters-with-reason-maxlen",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const dlq = t.queueName("dlq");
      const q = t.queueName("q");
      await ch.assertQueue(dlq, { durable: false });
      await ch.assertQueue(q, { durable: false, maxLength: 1, deadLetterExchange: "", deadLetterRoutingKey: dlq });
      ch.sendToQueue(q, Buffer.from("first"), { expiration: "600000" });
      ch.sendToQueue(q, Buffer.from("second"));
      ch.sendToQueue(q, Buffer.from("third"));
      await ch.waitForConfirms();
      await t.waitFor(async () => (await depth(ch, dlq)) === 2, 3000, "two dead letters");
      for (let i = 0; i < 2; i++) t.log("dlq got", t.summarize(await ch.get(dlq, { noAck: true })));
      await bodies(t, ch, q, "q");
    },
  },
  {
    name: "max-length-counts-ready-messages-not-unacked-ones",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false, maxLength: 1 });
      ch.sendToQueue(q, Buffer.from("m1"));
      await ch.waitForConfirms();
      const held = await ch.get(q);
      t.log("holding", held ? held.content.toString() : held);
      ch.sendToQueue(q, Buffer.from("m2"));
      await ch.waitForConfirms();
      await t.attempt("checkQueue while m1 is unacked", () => ch.checkQueue(q));
      // requeueing m1 makes two ready messages: the limit applies again and drops from the head
      if (held) ch.nack(held, false, true);
      await t.attempt("get after requeue", async () => t.summarize(await ch.get(q, { noAck: true })));
      await t.attempt("get again", () => ch.get(q, { noAck: true }));
    },
  },
  {
    name: "reject-publish-nacks-the-publish-while-another-queue-still-receives-it",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const ex = t.exchangeName("fanout");
      const limited = t.queueName("limited");
      const open = t.queueName("open");
      await ch.assertExchange(ex, "fanout", { durable: false });
      await ch.assertQueue(limited, { durable: false, maxLength: 1, overflow: "reject-publish" });
      await ch.assertQueue(open, { durable: false });
      await ch.bindQueue(limited, ex, "");
      await ch.bindQueue(open, ex, "");
      const outcomes: Record<string, string> = {};
      const pending: Promise<void>[] = [];
      pending.push(publishTracked(ch, outcomes, ex, "", "m1"));
      pending.push(publishTracked(ch, outcomes, ex, "", "m2"));
      pending.push(publishTracked(ch, outcomes, ex, "", "m3"));
      await t.attempt("waitForConfirms", () => ch.waitForConfirms());
      await Promise.all(pending);
      t.log("confirm outcomes", outcomes);
      await bodies(t, ch, limited, "limited");
      await bodies(t, ch, open, "open");
      // room again: accepted
      const after: Record<string, string> = {};
      pending.push(publishTracked(ch, after, ex, "", "m4"));
      await t.attempt("waitForConfirms after room", () => ch.waitForConfirms());
      await Promise.all(pending);
      t.log("confirm outcomes after room", after);
      await bodies(t, ch, limited, "limited after room");
    },
  },
  {
    name: "reject-publish-with-mandatory-is-nacked-not-returned",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false, maxLength: 1, overflow: "reject-publish" });
      const outcomes: Record<string, string> = {};
      const pending: Promise<void>[] = [];
      pending.push(publishTracked(ch, outcomes, "", q, "fits", { mandatory: true }));
      pending.push(publishTracked(ch, outcomes, "", q, "rejected", { mandatory: true }));
      await t.attempt("waitForConfirms", () => ch.waitForConfirms());
      await Promise.all(pending);
      await t.quiet(100);
      t.log("confirm outcomes", outcomes);
      await bodies(t, ch, q, "q");
    },
  },
  {
    name: "reject-publish-without-confirms-drops-the-new-message-silently",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false, maxLength: 2, overflow: "reject-publish" });
      for (const body of ["m1", "m2", "m3"]) ch.sendToQueue(q, Buffer.from(body));
      await t.waitFor(async () => (await depth(ch, q)) === 2, 3000, "two messages");
      await t.quiet(100);
      await bodies(t, ch, q, "q");
    },
  },
  {
    name: "reject-publish-dlx-nacks-and-dead-letters-the-rejected-message",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const dlq = t.queueName("dlq");
      const q = t.queueName("q");
      await ch.assertQueue(dlq, { durable: false });
      await ch.assertQueue(q, {
        durable: false,
        maxLength: 1,
        overflow: "reject-publish-dlx",
        deadLetterExchange: "",
        deadLetterRoutingKey: dlq,
      });
      const outcomes: Record<string, string> = {};
      const pending: Promise<void>[] = [];
      pending.push(publishTracked(ch, outcomes, "", q, "kept"));
      pending.push(publishTracked(ch, outcomes, "", q, "rejected", { expiration: "600000" }));
      await t.attempt("waitForConfirms", () => ch.waitForConfirms());
      await Promise.all(pending);
      t.log("confirm outcomes", outcomes);
      await t.waitFor(async () => (await depth(ch, dlq)) === 1, 3000, "dead letter");
      t.log("dlq got", t.summarize(await ch.get(dlq, { noAck: true })));
      await bodies(t, ch, q, "q");
    },
  },
  {
    name: "max-length-zero-drops-or-rejects-every-message",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const dlq = t.queueName("dlq");
      const dropHead = t.queueName("drop-head");
      const rejectPublish = t.queueName("reject-publish");
      await ch.assertQueue(dlq, { durable: false });
      await ch.assertQueue(dropHead, { durable: false, maxLength: 0, deadLetterExchange: "", deadLetterRoutingKey: dlq });
      await ch.assertQueue(rejectPublish, { durable: false, maxLength: 0, overflow: "reject-publish" });
      const outcomes: Record<string, string> = {};
      const pending: Promise<void>[] = [];
      pending.push(publishTracked(ch, outcomes, "", dropHead, "to-drop-head"));
      pending.push(publishTracked(ch, outcomes, "", rejectPublish, "to-reject-publish"));
      await t.attempt("waitForConfirms", () => ch.waitForConfirms());
      await Promise.all(pending);
      t.log("confirm outcomes", outcomes);
      await t.waitFor(async () => (await depth(ch, dlq)) === 1, 3000, "dead letter");
      t.log("dlq got", t.summarize(await ch.get(dlq, { noAck: true })));
      await t.attempt("checkQueue drop-head", () => ch.checkQueue(dropHead));
      await t.attempt("checkQueue reject-publish", () => ch.checkQueue(rejectPublish));
      // with a consumer waiting
      const col = t.collector();
      await ch.consume(dropHead, col.onMessage, { noAck: true });
      ch.sendToQueue(dropHead, Buffer.from("consumer-waiting"));
      await ch.waitForConfirms();
      await t.quiet(300);
      t.log("consumer got", col.messages.map((m) => t.summarize(m)));
      t.log("dlq after consumer", (await ch.checkQueue(dlq)).messageCount);
      await bodies(t, ch, dlq, "dlq after consumer");
    },
  },
];

export default scenarios;
