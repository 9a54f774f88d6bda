import type { Scenario } from "../harness";
import { drain } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "fanout-exchange-copies-to-every-bound-queue-ignoring-the-routing-key",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("fanout");
      const [q1, q2, q3] = [t.queueName("q1"), t.queueName("q2"), t.queueName("q3")];
      await t.attempt("assertExchange", () => ch.assertExchange(x, "fanout", { durable: false }));
      for (const q of [q1, q2, q3]) await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q1, x, "");
      await ch.bindQueue(q2, x, "some-key");
      await ch.bindQueue(q3, x, "#");
      ch.publish(x, "", Buffer.from("empty-key"));
      ch.publish(x, "anything.at.all", Buffer.from("any-key"), { messageId: "m2" });
      const first = await ch.get(q2, { noAck: true });
      t.log("q2 first", t.summarize(first));
      const second = await ch.get(q2, { noAck: true });
      t.log("q2 second", t.summarize(second));
      t.log("q1", await drain(ch, q1));
      t.log("q3", await drain(ch, q3));
    },
  },
  {
    name: "fanout-exchange-without-bindings-drops-the-message",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("fanout");
      const q = t.queueName("q");
      await ch.assertExchange(x, "fanout", { durable: false });
      await ch.assertQueue(q, { durable: false });
      ch.publish(x, "k", Buffer.from("dropped"));
      await t.attempt("bind after publish", () => ch.bindQueue(q, x, ""));
      ch.publish(x, "k", Buffer.from("kept"));
      t.log("q", await drain(ch, q));
    },
  },
  {
    name: "fanout-queue-bound-with-two-keys-gets-one-copy-and-unbind-needs-the-same-key",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("fanout");
      const q = t.queueName("q");
      await ch.assertExchange(x, "fanout", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q, x, "a");
      await ch.bindQueue(q, x, "b");
      ch.publish(x, "zzz", Buffer.from("one-copy"));
      t.log("two bindings", await drain(ch, q));
      await t.attempt("unbind a", () => ch.unbindQueue(q, x, "a"));
      ch.publish(x, "zzz", Buffer.from("still-bound-by-b"));
      t.log("after unbind a", await drain(ch, q));
      await t.attempt("unbind with empty key (not a binding)", () => ch.unbindQueue(q, x, ""));
      ch.publish(x, "zzz", Buffer.from("still-bound-by-b-again"));
      t.log("after unbind empty", await drain(ch, q));
      await t.attempt("unbind b", () => ch.unbindQueue(q, x, "b"));
      ch.publish(x, "zzz", Buffer.from("no-binding-left"));
      t.log("after unbind b", await drain(ch, q));
    },
  },
  {
    name: "fanout-unbind-one-queue-keeps-the-others",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("fanout");
      const [q1, q2] = [t.queueName("q1"), t.queueName("q2")];
      await ch.assertExchange(x, "fanout", { durable: false });
      for (const q of [q1, q2]) {
        await ch.assertQueue(q, { durable: false });
        await ch.bindQueue(q, x, "");
      }
      ch.publish(x, "", Buffer.from("both"));
      await t.attempt("unbind q1", () => ch.unbindQueue(q1, x, ""));
      ch.publish(x, "", Buffer.from("only-q2"));
      t.log("q1", await drain(ch, q1));
      t.log("q2", await drain(ch, q2));
    },
  },
];

export default scenarios;
