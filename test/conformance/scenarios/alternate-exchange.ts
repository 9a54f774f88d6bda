import type { Scenario } from "../harness";
import { drain } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "alternate-exchange-receives-unroutable-messages-keeping-exchange-and-key",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const ae = t.exchangeName("ae");
      const main = t.exchangeName("main");
      const [qMain, qAe] = [t.queueName("main-q"), t.queueName("ae-q")];
      await ch.assertExchange(ae, "fanout", { durable: false });
      await t.attempt("assertExchange main with alternateExchange", () =>
        ch.assertExchange(main, "direct", { durable: false, alternateExchange: ae }),
      );
      await ch.assertQueue(qMain, { durable: false });
      await ch.assertQueue(qAe, { durable: false });
      await ch.bindQueue(qMain, main, "known");
      await ch.bindQueue(qAe, ae, "");
      ch.publish(main, "known", Buffer.from("routed"));
      ch.publish(main, "unknown", Buffer.from("unroutable"), { headers: { h: "v" } });
      t.log("main-q", await drain(ch, qMain));
      const got = await ch.get(qAe, { noAck: true });
      t.log("ae-q first", t.summarize(got));
      t.log("ae-q rest", await drain(ch, qAe));
    },
  },
  {
    name: "alternate-exchange-set-through-the-arguments-table-works-the-same",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const ae = t.exchangeName("ae");
      const main = t.exchangeName("main");
      const qAe = t.queueName("ae-q");
      await ch.assertExchange(ae, "topic", { durable: false });
      await ch.assertExchange(main, "fanout", { durable: false, arguments: { "alternate-exchange": ae } });
      await ch.assertQueue(qAe, { durable: false });
      await ch.bindQueue(qAe, ae, "only.#");
      ch.publish(main, "only.this", Buffer.from("ae-routes-by-original-key"));
      ch.publish(main, "other", Buffer.from("ae-cannot-route-either"));
      t.log("ae-q", await drain(ch, qAe));
    },
  },
  {
    name: "mandatory-unroutable-message-routed-by-alternate-exchange-is-not-returned",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const ae = t.exchangeName("ae");
      const main = t.exchangeName("main");
      const qAe = t.queueName("ae-q");
      await ch.assertExchange(ae, "fanout", { durable: false });
      await ch.assertExchange(main, "direct", { durable: false, alternateExchange: ae });
      await ch.assertQueue(qAe, { durable: false });
      await ch.bindQueue(qAe, ae, "");
      ch.publish(main, "nobody", Buffer.from("mandatory-to-ae"), { mandatory: true });
      t.log("ae-q", await drain(ch, qAe));
      await t.quiet();
    },
  },
  {
    name: "mandatory-message-is-returned-when-the-alternate-exchange-cannot-route-it-either",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const ae = t.exchangeName("ae");
      const main = t.exchangeName("main");
      const qAe = t.queueName("ae-q");
      await ch.assertExchange(ae, "direct", { durable: false });
      await ch.assertExchange(main, "direct", { durable: false, alternateExchange: ae });
      await ch.assertQueue(qAe, { durable: false });
      await ch.bindQueue(qAe, ae, "other");
      ch.publish(main, "nobody", Buffer.from("lost-twice"), { mandatory: true });
      await t.attempt("checkExchange (sync)", () => ch.checkExchange(main));
      t.log("ae-q", await drain(ch, qAe));
    },
  },
  {
    name: "missing-alternate-exchange-drops-message-and-mandatory-returns-it",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const main = t.exchangeName("main");
      const q = t.queueName("q");
      await t.attempt("assertExchange with missing AE", () =>
        ch.assertExchange(main, "direct", { durable: false, alternateExchange: t.name("no-such-ae") }),
      );
      await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q, main, "known");
      ch.publish(main, "nobody", Buffer.from("not-mandatory"));
      ch.publish(main, "nobody", Buffer.from("mandatory"), { mandatory: true });
      ch.publish(main, "known", Buffer.from("routable"));
      await t.attempt("checkExchange (sync)", () => ch.checkExchange(main));
      t.log("q", await drain(ch, q));
    },
  },
  {
    name: "alternate-exchanges-chain-to-the-next-alternate-exchange",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const [main, ae1, ae2] = [t.exchangeName("main"), t.exchangeName("ae1"), t.exchangeName("ae2")];
      const [q1, q2] = [t.queueName("ae1-q"), t.queueName("ae2-q")];
      await ch.assertExchange(ae2, "fanout", { durable: false });
      await ch.assertExchange(ae1, "direct", { durable: false, alternateExchange: ae2 });
      await ch.assertExchange(main, "direct", { durable: false, alternateExchange: ae1 });
      await ch.assertQueue(q1, { durable: false });
      await ch.assertQueue(q2, { durable: false });
      await ch.bindQueue(q1, ae1, "k1");
      await ch.bindQueue(q2, ae2, "");
      ch.publish(main, "k1", Buffer.from("caught-by-ae1"));
      ch.publish(main, "k2", Buffer.from("caught-by-ae2"));
      t.log("ae1-q", await drain(ch, q1));
      t.log("ae2-q", await drain(ch, q2));
    },
  },
  {
    name: "alternate-exchange-is-not-used-when-the-message-routes-somewhere",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const ae = t.exchangeName("ae");
      const main = t.exchangeName("main");
      const [q1, qAe] = [t.queueName("q1"), t.queueName("ae-q")];
      await ch.assertExchange(ae, "fanout", { durable: false });
      await ch.assertExchange(main, "topic", { durable: false, alternateExchange: ae });
      await ch.assertQueue(q1, { durable: false });
      await ch.assertQueue(qAe, { durable: false });
      await ch.bindQueue(q1, main, "a.*");
      await ch.bindQueue(qAe, ae, "");
      for (const key of ["a.b", "a", "a.b.c", "a.c"]) ch.publish(main, key, Buffer.from(key));
      t.log("q1", await drain(ch, q1));
      t.log("ae-q", await drain(ch, qAe));
    },
  },
];

export default scenarios;
