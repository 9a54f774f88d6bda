import type { Scenario } from "../harness";

const scenarios: Scenario[] = [
  {
    name: "default-exchange-routes-by-queue-name-keeping-properties",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await t.attempt("assertQueue", () => ch.assertQueue(q, { durable: false }));
      ch.sendToQueue(q, Buffer.from("hello"), {
        contentType: "text/plain",
        contentEncoding: "utf-8",
        headers: { "x-app": "lab", n: 42, f: 1.5, flag: true, nested: { a: [1, "two"] } },
        deliveryMode: 2,
        priority: 3,
        correlationId: "corr-1",
        replyTo: "reply.q",
        expiration: "60000",
        messageId: "m-1",
        timestamp: 1700000000,
        type: "greeting",
        userId: "guest",
        appId: "lab-test",
      });
      ch.sendToQueue(q, Buffer.from(""));
      const got = await t.attempt("get 1", async () => t.summarize(await ch.get(q, { noAck: true })));
      const empty = await t.attempt("get 2", async () => t.summarize(await ch.get(q, { noAck: true })));
      t.log("got both", Boolean(got && empty));
      await t.attempt("get 3 (empty)", () => ch.get(q, { noAck: true }));
    },
  },
  {
    name: "publish-to-missing-queue-via-default-exchange-is-dropped-silently",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      ch.publish("", t.name("nowhere"), Buffer.from("lost"));
      await t.attempt("checkQueue missing", () => ch.checkQueue(t.name("nowhere")));
      await t.quiet();
      await t.attempt("publish after channel closed", () => ch.publish("", "x", Buffer.from("x")));
    },
  },
];

export default scenarios;
