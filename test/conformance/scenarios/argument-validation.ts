// Bad queue arguments and message properties: each one gets RabbitMQ's channel error, the
// connection keeps working, and a message waiting in another queue is not lost.
import type { BrokerConnection } from "../../../src/amqp";
import type { Options } from "../../../src/amqp";
import type { Scenario, ScenarioContext } from "../harness";

/** A queue holding one message, to show that errors elsewhere do not lose it. */
async function bystander(t: ScenarioContext, conn: BrokerConnection): Promise<string> {
  const ch = await conn.createConfirmChannel();
  const q = t.queueName("bystander");
  await ch.assertQueue(q, { durable: false });
  ch.sendToQueue(q, Buffer.from("still here"));
  await ch.waitForConfirms();
  await ch.close();
  return q;
}

/** Declares `label` with `options` on a fresh traced channel: the broker's answer goes into the trace. */
async function declare(t: ScenarioContext, conn: BrokerConnection, label: string, options: Options.AssertQueue) {
  const ch = await t.channel(conn, label);
  await t.attempt(`assertQueue ${label}`, () => ch.assertQueue(t.queueName(label.replace(/[^a-z0-9-]/gi, "_")), options));
}

async function afterwards(t: ScenarioContext, conn: BrokerConnection, q: string): Promise<void> {
  const ch = await t.channel(conn, "afterwards");
  await t.attempt("get bystander afterwards", async () => t.summarize(await ch.get(q, { noAck: true })));
}

function validationScenario(name: string, cases: [string, Options.AssertQueue][]): Scenario {
  return {
    name,
    async run(t) {
      const conn = await t.connect("conn");
      const q = await bystander(t, conn);
      for (const [label, options] of cases) await declare(t, conn, label, options);
      await afterwards(t, conn, q);
    },
  };
}

const scenarios: Scenario[] = [
  validationScenario("negative-message-ttl-is-rejected", [
    ["ttl -1", { durable: false, messageTtl: -1 }],
    ["ttl 0 is fine", { durable: false, messageTtl: 0 }],
  ]),
  validationScenario("non-integer-message-ttl-is-rejected", [
    ["ttl 1.5", { durable: false, messageTtl: 1.5 }],
    ["ttl string", { durable: false, arguments: { "x-message-ttl": "1000" } }],
    ["ttl true", { durable: false, arguments: { "x-message-ttl": true } }],
  ]),
  validationScenario("unknown-overflow-value-is-rejected", [
    ["overflow drop-tail", { durable: false, arguments: { "x-overflow": "drop-tail" } }],
    ["overflow number", { durable: false, arguments: { "x-overflow": 1 } }],
  ]),
  validationScenario("max-priority-out-of-range-is-rejected", [
    ["max-priority 256", { durable: false, maxPriority: 256 }],
    ["max-priority -1", { durable: false, maxPriority: -1 }],
    ["max-priority 255 is fine", { durable: false, maxPriority: 255 }],
    ["max-priority 0 is fine", { durable: false, maxPriority: 0 }],
  ]),
  validationScenario("x-expires-must-be-positive", [
    ["expires 0", { durable: false, expires: 0 }],
    ["expires -5", { durable: false, expires: -5 }],
    ["expires string", { durable: false, arguments: { "x-expires": "100" } }],
  ]),
  validationScenario("dead-letter-routing-key-without-dead-letter-exchange-is-rejected", [
    ["routing key only", { durable: false, deadLetterRoutingKey: "somewhere" }],
    ["dead-letter-exchange number", { durable: false, arguments: { "x-dead-letter-exchange": 5 } }],
  ]),
  validationScenario("negative-max-length-is-rejected", [
    ["max-length -1", { durable: false, maxLength: -1 }],
    ["max-length-bytes -1", { durable: false, arguments: { "x-max-length-bytes": -1 } }],
    ["max-length 1.5", { durable: false, arguments: { "x-max-length": 1.5 } }],
  ]),
  validationScenario("unknown-queue-type-is-rejected", [
    ["queue-type bogus", { durable: true, arguments: { "x-queue-type": "bogus" } }],
    ["queue-type stream non-durable", { durable: false, arguments: { "x-queue-type": "stream" } }],
  ]),
  {
    name: "redeclare-with-different-ttl-or-dead-letter-arguments-is-inequivalent",
    async run(t) {
      const conn = await t.connect("conn");
      const q = await bystander(t, conn);
      const setup = await t.channel(conn, "setup");
      const target = t.queueName("target");
      await setup.assertQueue(target, { durable: false, messageTtl: 1000, deadLetterExchange: "dlx" });
      const cases: [string, Options.AssertQueue][] = [
        ["same arguments", { durable: false, messageTtl: 1000, deadLetterExchange: "dlx" }],
        ["different ttl", { durable: false, messageTtl: 2000, deadLetterExchange: "dlx" }],
        ["ttl missing", { durable: false, deadLetterExchange: "dlx" }],
        ["different dlx", { durable: false, messageTtl: 1000, deadLetterExchange: "other" }],
        ["extra max-length", { durable: false, messageTtl: 1000, deadLetterExchange: "dlx", maxLength: 5 }],
        ["durable", { durable: true, messageTtl: 1000, deadLetterExchange: "dlx" }],
      ];
      for (const [label, options] of cases) {
        const ch = await t.channel(conn, label);
        await t.attempt(`assertQueue ${label}`, () => ch.assertQueue(target, options));
      }
      await afterwards(t, conn, q);
    },
  },
  {
    name: "invalid-per-message-expiration-closes-the-channel",
    async run(t) {
      const conn = await t.connect("conn");
      const q = await bystander(t, conn);
      for (const expiration of ["abc", "-1", "1.5", ""]) {
        const ch = await t.channel(conn, `expiration "${expiration}"`);
        const target = t.queueName(`target-${expiration.replace(/[^a-z0-9]/g, "_")}`);
        await ch.assertQueue(target, { durable: false });
        ch.sendToQueue(target, Buffer.from("bad"), { expiration });
        await t.attempt(`checkQueue after publishing expiration "${expiration}"`, () => ch.checkQueue(target));
      }
      await afterwards(t, conn, q);
    },
  },
];

export default scenarios;
