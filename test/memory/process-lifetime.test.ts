// The in-memory broker must hold the process alive exactly as a socket to RabbitMQ would:
// while a connection is open (a consumer waiting for a delayed retry must get it), and never
// once every connection is closed (queue TTL and x-expires timers must not keep it running).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, test } from "vitest";

const dist = join(__dirname, "..", "..", "dist", "index.js");

function runScript(body: string) {
  const script = `const lab = require(${JSON.stringify(dist)});\n(async () => {\n${body}\n})();`;
  return spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000, env: { ...process.env, AMQP_URL: "" } });
}

test("an open connection keeps the process alive until a dead-lettered message arrives", () => {
  const result = runScript(`
    const conn = await lab.connect();
    const ch = await conn.createChannel();
    await ch.assertQueue("delay", { arguments: { "x-message-ttl": 300, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "work" } });
    await ch.assertQueue("work");
    ch.sendToQueue("delay", Buffer.from("retry me"));
    await ch.consume("work", async (msg) => {
      console.log("got", msg.content.toString(), msg.properties.headers["x-death"][0].reason);
      await conn.close();
    }, { noAck: true });
  `);
  expect(result.stderr).toBe("");
  expect(result.stdout.trim()).toBe("got retry me expired");
  expect(result.status).toBe(0);
});

test("queue TTL and queue expiry timers do not keep the process alive after the last connection closes", () => {
  const result = runScript(`
    const conn = await lab.connect();
    const ch = await conn.createChannel();
    await ch.assertQueue("slow", { arguments: { "x-message-ttl": 600000, "x-expires": 600000 } });
    ch.sendToQueue("slow", Buffer.from("expires in ten minutes"));
    await ch.checkQueue("slow");
    await conn.close();
    console.log("closed");
  `);
  // spawnSync's timeout (20 s) would kill a process held alive by a 10-minute timer.
  expect(result.signal).toBeNull();
  expect(result.stdout.trim()).toBe("closed");
  expect(result.status).toBe(0);
});
