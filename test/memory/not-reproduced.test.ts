// What the in-memory broker does not reproduce it refuses loudly, naming the feature, instead of
// accepting it and behaving unlike RabbitMQ.
import { expect, test } from "vitest";
import { connect } from "../../src/connect";
import { MemoryBroker } from "../../src/memory/broker";

async function channelError(work: (ch: import("../../src/amqp").Channel) => Promise<unknown>): Promise<string> {
  const conn = await connect(undefined, { broker: new MemoryBroker() });
  const ch = await conn.createChannel();
  const errors: string[] = [];
  ch.on("error", (err: Error) => errors.push(err.message));
  await work(ch).catch(() => undefined);
  await conn.close();
  return errors.join("\n");
}

test.each([
  ["stream queues", (ch: import("../../src/amqp").Channel) => ch.assertQueue("s", { durable: true, arguments: { "x-queue-type": "stream" } })],
  ["single active consumer", (ch: import("../../src/amqp").Channel) => ch.assertQueue("sac", { arguments: { "x-single-active-consumer": true } })],
  [
    "consumer priorities",
    async (ch: import("../../src/amqp").Channel) => {
      await ch.assertQueue("p");
      await ch.consume("p", () => undefined, { arguments: { "x-priority": 5 } });
    },
  ],
])("%s are refused with a sentence that says so", async (feature, work) => {
  const message = await channelError(work);
  expect(message).toContain("540 (NOT-IMPLEMENTED)");
  expect(message).toContain(`the in-memory broker does not reproduce ${feature}`);
  expect(message).toContain("set AMQP_URL");
});
