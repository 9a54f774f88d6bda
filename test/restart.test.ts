// restartBroker() against a real broker needs a command; without one it says so plainly, and
// never with the password of the URL in the sentence.
import { expect, test } from "vitest";
import { restartBroker } from "../src/restart";

test("restarting a real broker without a configured command explains what to set", async () => {
  const saved = process.env.RABBITMQ_RESTART_COMMAND;
  delete process.env.RABBITMQ_RESTART_COMMAND;
  try {
    const attempt = restartBroker({ url: "amqp://learner:s3cret@broker.example:5672" });
    await expect(attempt).rejects.toThrow(/no restart command is configured; set RABBITMQ_RESTART_COMMAND/);
    await expect(attempt).rejects.toThrow(/amqp:\/\/learner:\*\*\*\*@broker\.example:5672/);
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  } finally {
    if (saved !== undefined) process.env.RABBITMQ_RESTART_COMMAND = saved;
  }
});
