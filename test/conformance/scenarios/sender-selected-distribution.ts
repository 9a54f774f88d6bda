import type { Scenario } from "../harness";
import { drain } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "cc-and-bcc-add-routing-keys-cc-is-kept-and-bcc-is-removed",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("direct");
      const [qa, qb, qc, qd] = [t.queueName("qa"), t.queueName("qb"), t.queueName("qc"), t.queueName("qd")];
      await ch.assertExchange(x, "direct", { durable: false });
      for (const [q, key] of [
        [qa, "a"],
        [qb, "b"],
        [qc, "c"],
        [qd, "d"],
      ]) {
        await ch.assertQueue(q, { durable: false });
        await ch.bindQueue(q, x, key);
      }
      ch.publish(x, "a", Buffer.from("cc-bcc"), { CC: ["b"], BCC: ["c"], headers: { h: 1 } });
      for (const [label, q] of [
        ["qa", qa],
        ["qb", qb],
        ["qc", qc],
      ]) {
        const got = await ch.get(q, { noAck: true });
        t.log(`${label} got`, t.summarize(got));
      }
      t.log("qd", await drain(ch, qd));
    },
  },
  {
    name: "cc-naming-an-already-matched-queue-delivers-one-copy",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("topic");
      const q = t.queueName("q");
      await ch.assertExchange(x, "topic", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q, x, "a.*");
      ch.publish(x, "a.1", Buffer.from("one-copy"), { CC: ["a.2", "a.3"], BCC: "a.4" });
      ch.publish(x, "z", Buffer.from("routed-by-cc-only"), { CC: "a.5" });
      ch.publish(x, "z", Buffer.from("routed-by-bcc-only"), { BCC: "a.6" });
      const first = await ch.get(q, { noAck: true });
      t.log("first", t.summarize(first));
      const second = await ch.get(q, { noAck: true });
      t.log("second", t.summarize(second));
      const third = await ch.get(q, { noAck: true });
      t.log("third", t.summarize(third));
      t.log("rest", await drain(ch, q));
    },
  },
  {
    name: "bcc-through-the-default-exchange-copies-to-another-queue-by-name",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const [q1, q2] = [t.queueName("q1"), t.queueName("q2")];
      await ch.assertQueue(q1, { durable: false });
      await ch.assertQueue(q2, { durable: false });
      ch.sendToQueue(q1, Buffer.from("copied"), { BCC: q2, messageId: "m-1" });
      t.log("q1 got", t.summarize(await ch.get(q1, { noAck: true })));
      t.log("q2 got", t.summarize(await ch.get(q2, { noAck: true })));
    },
  },
  {
    name: "mandatory-message-routed-only-by-cc-is-not-returned",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("direct");
      const q = t.queueName("q");
      await ch.assertExchange(x, "direct", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q, x, "b");
      ch.publish(x, "nobody", Buffer.from("cc-rescued"), { mandatory: true, CC: "b" });
      ch.publish(x, "nobody", Buffer.from("cc-also-unroutable"), { mandatory: true, CC: "nobody-either" });
      await t.attempt("checkExchange (sync)", () => ch.checkExchange(x));
      t.log("q", await drain(ch, q));
    },
  },
];

export default scenarios;
