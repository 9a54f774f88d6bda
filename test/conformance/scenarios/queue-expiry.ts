// Queue expiry (x-expires): an unused queue is deleted, whatever it holds. What counts as use:
// consumers, basic.get, declaring it again (passive declare included).
// Deletion is detected without touching the queue: a mandatory publish to it through the
// default exchange comes back returned once the queue is gone (publishing is not "use").
import type { BrokerConnection, Channel } from "../../../src/amqp";
import type { Scenario, ScenarioContext } from "../harness";

async function untilGone(t: ScenarioContext, conn: BrokerConnection, q: string, timeoutMs = 5000): Promise<void> {
  const probe = await conn.createConfirmChannel();
  probe.on("error", () => undefined);
  let returned = false;
  probe.on("return", () => {
    returned = true;
  });
  await t.waitFor(
    async () => {
      probe.publish("", q, Buffer.from("probe"), { mandatory: true });
      await probe.waitForConfirms();
      return returned;
    },
    timeoutMs,
    `${q} to expire`,
  );
  await probe.close();
}

async function checkFresh(t: ScenarioContext, conn: BrokerConnection, label: string, q: string): Promise<void> {
  const ch: Channel = await t.channel(conn, label);
  await t.attempt(label, () => ch.checkQueue(q));
}

const scenarios: Scenario[] = [
  {
    name: "unused-queue-with-x-expires-is-deleted-with-its-messages-without-dead-lettering",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const dlq = t.queueName("dlq");
      const q = t.queueName("expiring");
      await ch.assertQueue(dlq, { durable: false });
      await t.attempt("assertQueue x-expires=100", () =>
        ch.assertQueue(q, { durable: false, expires: 100, deadLetterExchange: "", deadLetterRoutingKey: dlq }),
      );
      ch.sendToQueue(q, Buffer.from("m1"));
      ch.sendToQueue(q, Buffer.from("m2"));
      await ch.waitForConfirms();
      await untilGone(t, conn, q);
      await checkFresh(t, conn, "checkQueue expired queue", q);
      await t.quiet(100);
      await t.attempt("checkQueue dlq", () => ch.checkQueue(dlq));
    },
  },
  {
    name: "consumer-keeps-an-expiring-queue-alive-until-cancelled",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("expiring");
      await ch.assertQueue(q, { durable: false, expires: 100 });
      const { consumerTag } = await ch.consume(q, () => undefined, { noAck: true });
      await t.sleep(500);
      await checkFresh(t, conn, "checkQueue with a consumer after 500 ms", q);
      await ch.cancel(consumerTag);
      await untilGone(t, conn, q);
      await checkFresh(t, conn, "checkQueue after cancel", q);
    },
  },
  {
    name: "basic-get-keeps-an-expiring-queue-alive",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("expiring");
      await ch.assertQueue(q, { durable: false, expires: 300 });
      for (let i = 0; i < 10; i++) {
        await t.sleep(60);
        await ch.get(q, { noAck: true });
      }
      // 600 ms have passed, twice the expiry, and it is still there
      await checkFresh(t, conn, "checkQueue after gets", q);
      await untilGone(t, conn, q);
      await checkFresh(t, conn, "checkQueue after gets stopped", q);
    },
  },
  {
    name: "redeclaring-and-passive-declaring-keep-an-expiring-queue-alive",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("expiring");
      await ch.assertQueue(q, { durable: false, expires: 300 });
      for (let i = 0; i < 10; i++) {
        await t.sleep(60);
        await ch.assertQueue(q, { durable: false, expires: 300 });
      }
      await checkFresh(t, conn, "checkQueue after redeclares", q);
      for (let i = 0; i < 10; i++) {
        await t.sleep(60);
        await ch.checkQueue(q);
      }
      await checkFresh(t, conn, "checkQueue after passive declares", q);
      await untilGone(t, conn, q);
      await checkFresh(t, conn, "checkQueue after declares stopped", q);
    },
  },
  {
    name: "publishing-does-not-keep-an-expiring-queue-alive",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const q = t.queueName("expiring");
      await ch.assertQueue(q, { durable: false, expires: 200 });
      const returned: string[] = [];
      ch.on("return", (m: { content: Buffer }) => returned.push(m.content.toString()));
      // keep publishing every 40 ms: the queue still expires and later publishes come back
      await t.waitFor(
        async () => {
          ch.publish("", q, Buffer.from("keep-alive?"), { mandatory: true });
          await ch.waitForConfirms();
          await t.sleep(40);
          return returned.length > 0;
        },
        5000,
        "a publish to be returned",
      );
      await checkFresh(t, conn, "checkQueue", q);
    },
  },
];

export default scenarios;
