import type { Scenario } from "../harness";
import { drain } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "publish-to-a-missing-exchange-is-404-channel-error-and-no-other-message-is-lost",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      ch.sendToQueue(q, Buffer.from("before"));
      await ch.checkQueue(q);
      await t.attempt("publish to missing exchange", () => ch.publish(t.name("no-such-exchange"), "k", Buffer.from("x")));
      await t.attempt("assertQueue right after (already sent)", () => ch.assertQueue(q, { durable: false }));
      await t.attempt("publish after the channel closed", () => ch.sendToQueue(q, Buffer.from("never")));
      await t.attempt("get after the channel closed", () => ch.get(q));
      const ch2 = await t.channel(conn, "ch2");
      t.log("q from a new channel", await drain(ch2, q));
    },
  },
  {
    name: "check-exchange-on-a-missing-exchange-is-404",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await t.attempt("checkExchange missing", () => ch.checkExchange(t.name("missing")));
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("deleteExchange missing", () => ch2.deleteExchange(t.name("missing")));
      await t.attempt("ch2 still fine", () => ch2.checkExchange("amq.fanout"));
    },
  },
  {
    name: "binding-with-a-missing-queue-or-exchange-is-404",
    async run(t) {
      const conn = await t.connect("conn");
      const x = t.exchangeName("x");
      const q = t.queueName("q");
      const setup = await t.channel(conn, "setup");
      await setup.assertExchange(x, "direct", { durable: false });
      await setup.assertQueue(q, { durable: false });
      const ops: [string, (ch: Awaited<ReturnType<typeof conn.createChannel>>) => Promise<unknown>][] = [
        ["bindQueue to missing exchange", (ch) => ch.bindQueue(q, t.name("no-x"), "k")],
        ["bindQueue missing queue", (ch) => ch.bindQueue(t.name("no-q"), x, "k")],
        ["bindQueue both missing", (ch) => ch.bindQueue(t.name("no-q"), t.name("no-x"), "k")],
        ["unbindQueue from missing exchange", (ch) => ch.unbindQueue(q, t.name("no-x"), "k")],
        ["unbindQueue missing queue", (ch) => ch.unbindQueue(t.name("no-q"), x, "k")],
      ];
      for (const [label, op] of ops) {
        const ch = await t.channel(conn, label);
        await t.attempt(label, () => op(ch));
      }
      await t.attempt("setup unaffected", () => setup.checkQueue(q));
    },
  },
  {
    name: "redeclaring-an-exchange-with-different-properties-is-406-inequivalent-arg",
    async run(t) {
      const conn = await t.connect("conn");
      const x = t.exchangeName("x");
      const ae = t.exchangeName("ae");
      const setup = await t.channel(conn, "setup");
      await setup.assertExchange(x, "direct", { durable: false, alternateExchange: ae });
      const cases: [string, string, Parameters<typeof setup.assertExchange>[2]][] = [
        ["type fanout", "fanout", { durable: false, alternateExchange: ae }],
        ["durable true", "direct", { durable: true, alternateExchange: ae }],
        ["autoDelete true", "direct", { durable: false, autoDelete: true, alternateExchange: ae }],
        ["internal true", "direct", { durable: false, internal: true, alternateExchange: ae }],
        ["other alternate exchange", "direct", { durable: false, alternateExchange: t.name("other-ae") }],
        ["no alternate exchange", "direct", { durable: false }],
        ["same", "direct", { durable: false, alternateExchange: ae }],
      ];
      for (const [label, type, options] of cases) {
        const ch = await t.channel(conn, label);
        await t.attempt(`assertExchange ${label}`, () => ch.assertExchange(x, type, options));
      }
    },
  },
  {
    name: "default-exchange-cannot-be-bound-to-or-deleted-403-access-refused",
    async run(t) {
      const conn = await t.connect("conn");
      const q = t.queueName("q");
      const setup = await t.channel(conn, "setup");
      await setup.assertQueue(q, { durable: false });
      const x = t.exchangeName("x");
      await setup.assertExchange(x, "fanout", { durable: false });
      const ops: [string, (ch: Awaited<ReturnType<typeof conn.createChannel>>) => Promise<unknown>][] = [
        ["bindQueue to default exchange", (ch) => ch.bindQueue(q, "", "k")],
        ["unbindQueue from default exchange", (ch) => ch.unbindQueue(q, "", q)],
        ["bindExchange default as source", (ch) => ch.bindExchange(x, "", "k")],
        ["bindExchange default as destination", (ch) => ch.bindExchange("", x, "k")],
        ["deleteExchange default", (ch) => ch.deleteExchange("")],
        ["assertExchange default as direct", (ch) => ch.assertExchange("", "direct")],
        ["checkExchange default", (ch) => ch.checkExchange("")],
      ];
      for (const [label, op] of ops) {
        const ch = await t.channel(conn, label);
        await t.attempt(label, () => op(ch));
      }
      setup.sendToQueue(q, Buffer.from("default exchange still routes"));
      t.log("q", await drain(setup, q));
    },
  },
  {
    name: "declaring-an-amq-prefixed-exchange-is-403-but-predeclared-ones-can-be-checked",
    async run(t) {
      const conn = await t.connect("conn");
      const ch1 = await t.channel(conn, "ch1");
      await t.attempt("assertExchange amq.<new>", () => ch1.assertExchange(`amq.${t.name("x")}`, "direct", { durable: false }));
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("assertExchange amq.fanout as direct", () => ch2.assertExchange("amq.fanout", "direct"));
      const ch3 = await t.channel(conn, "ch3");
      for (const x of ["amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match"]) {
        await t.attempt(`checkExchange ${x}`, () => ch3.checkExchange(x));
      }
      await t.attempt("assertExchange amq.topic equivalent", () => ch3.assertExchange("amq.topic", "topic", { durable: true }));
    },
  },
  {
    name: "publishing-to-an-internal-exchange-is-403-but-exchange-bindings-reach-it",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const front = t.exchangeName("front");
      const internal = t.exchangeName("internal");
      const q = t.queueName("q");
      await ch.assertExchange(front, "fanout", { durable: false });
      await t.attempt("assertExchange internal", () => ch.assertExchange(internal, "fanout", { durable: false, internal: true }));
      await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q, internal, "");
      await ch.bindExchange(internal, front, "");
      ch.publish(front, "", Buffer.from("via-front"));
      t.log("q", await drain(ch, q));
      await t.attempt("publish to internal", () => ch.publish(internal, "", Buffer.from("direct")));
      await t.attempt("checkQueue right after (already sent)", () => ch.checkQueue(q));
    },
  },
  {
    name: "declaring-an-exchange-of-unknown-type-is-a-503-connection-error",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await t.attempt("assertExchange type x-nonsense", () => ch.assertExchange(t.name("x"), "x-nonsense", { durable: false }));
      await t.waitFor(() => t.trace.some(([e]) => e === "conn close"), 2000, "connection closed");
      await t.attempt("createChannel on the closed connection", () => conn.createChannel().then(() => "created"));
    },
  },
];

export default scenarios;
