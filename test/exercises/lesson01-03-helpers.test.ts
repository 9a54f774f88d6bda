// The helpers behind lessons 01-03 (src/lessons/): tables, routing tables, the child-process
// runner and the prefetch experiments, on the in-memory broker and, with AMQP_URL, on RabbitMQ.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connect } from "../../src/connect";
import { heldSnapshot, measureRoundTrip, runWorkers } from "../../src/lessons/backpressure";
import { runInChildProcess } from "../../src/lessons/child";
import { routeAll } from "../../src/lessons/routing";
import { tableHtml, tableText } from "../../src/lessons/table";

test("a table lists columns in order of appearance, numbers right-aligned, and names its source", () => {
  const rows = [{ key: "a.b", copies: 2 }, { key: "c", copies: 10 }];
  expect(tableText(rows, { title: "Routes", source: "in-memory broker" })).toBe(
    ["Routes", "", "key  copies", "---  ------", "a.b       2", "c        10", "", "Source: in-memory broker"].join("\n"),
  );
  expect(tableHtml([{ k: "<x>" }])).toContain("&lt;x&gt;");
});

const url = process.env.AMQP_URL;
const modes: [string, string | undefined][] = [["in-memory broker", undefined]];
if (url) modes.push(["live broker", url]);

describe.each(modes)("on the %s", (_label, modeUrl) => {
  beforeAll(() => {
    if (modeUrl) process.env.AMQP_URL = modeUrl;
    else delete process.env.AMQP_URL;
  });
  afterAll(() => {
    if (url) process.env.AMQP_URL = url;
  });
  const prefix = `test.lessons0103.${process.pid}`;

  test("routeAll says which queue got which key, and which keys were dropped", async () => {
    const conn = await connect();
    const ch = await conn.createChannel();
    const [ex, a, b] = [`${prefix}.ex`, `${prefix}.a`, `${prefix}.b`];
    await ch.assertExchange(ex, "topic", { durable: false });
    for (const q of [a, b]) await ch.assertQueue(q, { durable: false });
    await ch.bindQueue(a, ex, "x.*");
    await ch.bindQueue(b, ex, "#");
    const rows = await routeAll(conn, ex, ["x.y", "z"], [a, b]);
    expect(rows).toEqual([
      { "routing key": "x.y", [a]: "✓", [b]: "✓", copies: "2" },
      { "routing key": "z", [a]: "", [b]: "✓", copies: "1" },
    ]);
    await ch.unbindQueue(b, ex, "#");
    expect((await routeAll(conn, ex, ["z"], [a, b]))[0]!.copies).toBe("dropped");
    for (const q of [a, b]) await ch.deleteQueue(q);
    await ch.deleteExchange(ex);
    await conn.close();
  });

  test("runInChildProcess reports a crash and a normal exit", { timeout: 20_000 }, async () => {
    const crash = await runInChildProcess(`throw new Error("boom")`);
    expect(crash.exitCode).not.toBe(0);
    const ok = await runInChildProcess(`const c = await lab.connect(); console.log("connected"); await c.close();`);
    expect(ok.exitCode).toBe(0);
    expect(ok.report).toContain("exited normally");
    expect(ok.output).toEqual(["connected"]);
  });

  test("without prefetch a slow consumer holds every message; with prefetch 10 it holds 10", async () => {
    const conn = await connect();
    const none = await heldSnapshot(conn, `${prefix}.held`, { prefetch: 0, messages: 50, processingMs: 10, afterMs: 25 });
    expect(none["ready in the queue"]).toBe(0);
    expect(none["held by the consumer"]).toBeGreaterThan(45);
    const ten = await heldSnapshot(conn, `${prefix}.held`, { prefetch: 10, messages: 50, processingMs: 10, afterMs: 25 });
    expect(ten["held by the consumer"]).toBe(10);
    expect(ten["ready in the queue"]).toBeGreaterThan(35);
    const ch = await conn.createChannel();
    await ch.deleteQueue(`${prefix}.held`);
    await conn.close();
  });

  test("prefetch 1 splits work by speed, no prefetch splits it in turn", async () => {
    const conn = await connect();
    const queue = `${prefix}.fair`;
    const workers = (prefetch: number) => [{ name: "fast", prefetch, processingMs: 1 }, { name: "slow", prefetch, processingMs: 30 }];
    const turns = await runWorkers(conn, queue, 20, workers(0));
    expect(turns.workers.map((w) => w.processed)).toEqual([10, 10]);
    const fair = await runWorkers(conn, queue, 20, workers(1));
    const [fast, slow] = fair.workers.map((w) => w.processed) as [number, number];
    expect(fast + slow).toBe(20);
    expect(fast).toBeGreaterThanOrEqual(2 * slow); // 30× faster; a wide margin for a loaded machine
    expect(fair.workers.every((w) => w.maxHeld === 1)).toBe(true);
    expect(await measureRoundTrip(conn, queue, 5)).toBeGreaterThan(0);
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
    await conn.close();
  });

  test("behind a simulated link, a larger prefetch raises throughput", async () => {
    const conn = await connect();
    const queue = `${prefix}.link`;
    const run = (prefetch: number) => runWorkers(conn, queue, 12, [{ name: "w", prefetch, processingMs: 2, linkDelayMs: 10 }]);
    const [one, eight] = [await run(1), await run(8)];
    expect(eight.throughput).toBeGreaterThan(2 * one.throughput); // about 4× on an idle machine
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
    await conn.close();
  });
});
