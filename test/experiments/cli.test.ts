// npm run bench: runs an experiment, prints its tables, refuses what it cannot do in words.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, test } from "vitest";
import { ROOT } from "../../src/runner/paths";

const { AMQP_URL: _url, ...memoryEnv } = process.env;
const bench = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "dist/experiments/cli.js"), ...args], { encoding: "utf8", env: memoryEnv });

test("ack-modes prints the mode table, the crash table and where the numbers came from", { timeout: 60_000 }, () => {
  const run = bench("ack-modes", "--messages", "100", "--crash-messages", "30", "--warmup", "0", "--prefetch", "50");
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain("In-memory figures measure this process's JavaScript only: no network, no disk.");
  expect(run.stdout).toContain("Broker:  in-memory broker");
  expect(run.stdout).toMatch(/mode\s+publisher\s+consumer\s+send msg\/s\s+receive msg\/s\s+p50 ms\s+p95 ms\s+p99 ms\s+success %/);
  expect(run.stdout).toMatch(/tx-batch\s+tx\.commit every 50\s+tx\.commit every 50 acks/);
  expect(run.stdout).toMatch(/mode\s+consumer\s+messages\s+crashed after/);
});

test("durability prints levels beside the seed baseline, the restart and the storage tables", { timeout: 60_000 }, () => {
  const run = bench("durability", "--messages", "100", "--rounds", "1", "--recovery-messages", "20", "--warmup", "0");
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/both\s+\d+\s+.*\s+100\/100\s+500\n/);
  expect(run.stdout).toMatch(/quorum-transient\s+quorum, durable\s+false\s+20\s+still there\s+20\s+0/);
  expect(run.stdout).toContain("in-memory broker restarted");
  expect(run.stdout).toMatch(/classic-lazy\s+\d+/);
});

test("a wrong option or --record without a RabbitMQ is refused with what to do", () => {
  const wrong = bench("ack-modes", "--modes", "fast");
  expect(wrong.status).toBe(1);
  expect(wrong.stderr).toContain("--modes takes a comma-separated list of auto-ack, manual-ack");
  const record = bench("durability", "--record");
  expect(record.status).toBe(1);
  expect(record.stderr).toContain("--record writes reference figures from a real RabbitMQ: set AMQP_URL");
  expect(bench().stderr).toContain("which experiment? usage: npm run bench -- ack-modes|durability");
});
