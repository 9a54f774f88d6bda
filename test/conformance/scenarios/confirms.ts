import type { ConfirmChannel } from "../../../src/amqp";
import type { Scenario } from "../harness";
import { drain } from "../scenario-kit";

function describeConfirm(err: unknown): string | null {
  return err ? String((err as Error).message ?? err) : null;
}

/**
 * waitForConfirms resolves with an array of `undefined`, which JSON turns into nulls: trace a
 * plain marker instead so the live trace equals its golden.
 */
async function confirmed(ch: ConfirmChannel): Promise<string> {
  await ch.waitForConfirms();
  return "all confirmed";
}

const scenarios: Scenario[] = [
  {
    name: "confirm-callbacks-fire-in-publish-order-and-wait-for-confirms-resolves",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      for (let i = 1; i <= 5; i++) {
        ch.sendToQueue(q, Buffer.from(`m${i}`), {}, (err) => t.log(`confirm m${i}`, describeConfirm(err)));
      }
      await t.attempt("waitForConfirms", () => confirmed(ch));
      t.log("q", await drain(ch, q));
      await t.attempt("waitForConfirms with nothing outstanding", () => confirmed(ch));
    },
  },
  {
    name: "confirm-channel-acks-unroutable-messages",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const x = t.exchangeName("direct");
      await ch.assertExchange(x, "direct", { durable: false });
      ch.publish(x, "nobody", Buffer.from("unroutable-1"), {}, (err) => t.log("confirm unroutable-1", describeConfirm(err)));
      ch.sendToQueue(t.name("no-such-queue"), Buffer.from("unroutable-2"), {}, (err) =>
        t.log("confirm unroutable-2", describeConfirm(err)),
      );
      await t.attempt("waitForConfirms", () => confirmed(ch));
    },
  },
  {
    name: "confirm-channel-mandatory-unroutable-is-returned-before-it-is-acked",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const x = t.exchangeName("direct");
      const q = t.queueName("q");
      await ch.assertExchange(x, "direct", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q, x, "known");
      // The unroutable one goes first: its return and ack are sent as soon as it is routed, while
      // the routed one's ack waits for the queue, so only this order is deterministic.
      ch.publish(x, "nobody", Buffer.from("returned"), { mandatory: true }, (err) =>
        t.log("confirm returned", describeConfirm(err)),
      );
      ch.publish(x, "known", Buffer.from("routed"), { mandatory: true }, (err) => t.log("confirm routed", describeConfirm(err)));
      await t.attempt("waitForConfirms", () => confirmed(ch));
      t.log("q", await drain(ch, q));
    },
  },
  {
    name: "confirm-acks-messages-routed-through-the-alternate-exchange",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const ae = t.exchangeName("ae");
      const main = t.exchangeName("main");
      const q = t.queueName("ae-q");
      await ch.assertExchange(ae, "fanout", { durable: false });
      await ch.assertExchange(main, "direct", { durable: false, alternateExchange: ae });
      await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q, ae, "");
      ch.publish(main, "nobody", Buffer.from("to-ae"), { mandatory: true }, (err) => t.log("confirm to-ae", describeConfirm(err)));
      await t.attempt("waitForConfirms", () => confirmed(ch));
      t.log("ae-q", await drain(ch, q));
    },
  },
  {
    name: "confirm-ack-means-the-message-is-in-the-queue",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "publisher");
      const reader = await t.channel(conn, "reader");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      for (let i = 1; i <= 3; i++) ch.sendToQueue(q, Buffer.from(`m${i}`));
      await t.attempt("waitForConfirms", () => confirmed(ch));
      await t.attempt("checkQueue from another channel", () => reader.checkQueue(q));
      t.log("q from other channel", await drain(reader, q));
    },
  },
  {
    name: "confirm-nack-when-queue-overflow-is-reject-publish",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false, maxLength: 2, arguments: { "x-overflow": "reject-publish" } });
      const settled: Promise<void>[] = [];
      for (let i = 1; i <= 4; i++) {
        settled.push(
          new Promise((resolve) =>
            ch.sendToQueue(q, Buffer.from(`m${i}`), {}, (err) => {
              t.log(`confirm m${i}`, describeConfirm(err));
              resolve();
            }),
          ),
        );
      }
      // waitForConfirms rejects at the first nack, which may come before or after the later
      // callbacks depending on how the broker batches nacks: trace its outcome after them all.
      const outcome = ch.waitForConfirms().then(
        () => "resolved",
        (err: Error) => `rejected: ${err.message}`,
      );
      await Promise.all(settled);
      t.log("waitForConfirms", await outcome);
      t.log("q", await drain(ch, q));
    },
  },
  {
    name: "confirm-channel-closed-by-publish-to-missing-exchange-fails-outstanding-confirms",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      ch.publish(t.name("no-such-exchange"), "k", Buffer.from("doomed"), {}, (err) => t.log("confirm doomed", describeConfirm(err)));
      await t.attempt("waitForConfirms", () => confirmed(ch));
      await t.attempt("publish after close", () =>
        ch.sendToQueue(q, Buffer.from("late"), {}, (err) => t.log("confirm late", describeConfirm(err))),
      );
      const again = await t.confirmChannel(conn, "ch2");
      again.sendToQueue(q, Buffer.from("fine"), {}, (err) => t.log("confirm fine", describeConfirm(err)));
      await t.attempt("waitForConfirms on new channel", () => confirmed(again));
      t.log("q", await drain(again, q));
    },
  },
];

export default scenarios;
