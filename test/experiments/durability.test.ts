// The durability experiment at small sizes. The restart run must keep exactly what RabbitMQ
// keeps: a durable classic queue its persistent messages, a quorum queue every message.
import { describe, expect, test } from "vitest";
import { DURABILITY_LEVELS, lazyModeSupported, runDurability } from "../../src/experiments/durability";
import type { ExperimentTarget } from "../../src/experiments/harness";
import { MemoryBroker } from "../../src/memory/broker";

const targets: [string, () => ExperimentTarget][] = [["in-memory broker", () => ({ broker: new MemoryBroker() })]];
if (process.env.AMQP_URL) targets.push(["live broker", () => ({ url: process.env.AMQP_URL })]);

const SIZES = { messages: 200, rounds: 2, recoveryMessages: 50, warmup: 0, size: 64 };

describe.each(targets)("on the %s", (broker, target) => {
  const canRestart = broker === "in-memory broker" || Boolean(process.env.RABBITMQ_RESTART_COMMAND);

  test("every level and storage kind returns every message intact; the restart keeps what RabbitMQ keeps", { timeout: 180_000 }, async () => {
    const report = await runDurability({ ...target(), ...SIZES });

    expect(report.results.map((r) => r.level)).toEqual([...DURABILITY_LEVELS]);
    for (const r of [...report.results, ...report.storage]) {
      expect({ sent: r.sent, intact: r.intact, corrupted: r.corrupted, duplicated: r.duplicated, rounds: r.sendRates?.length }).toEqual({
        sent: SIZES.messages * SIZES.rounds,
        intact: SIZES.messages * SIZES.rounds,
        corrupted: 0,
        duplicated: 0,
        rounds: SIZES.rounds,
      });
    }
    expect(report.storage.map((s) => [s.storage, s.supported])).toEqual([
      ["classic", true],
      ["classic-lazy", true], // both brokers here are 3.10
      ["quorum", true],
    ]);

    const recovery = report.recovery!;
    expect(recovery.restarted).toBe(canRestart);
    if (!canRestart) {
      expect(recovery.note).toMatch(/no restart command is configured; set RABBITMQ_RESTART_COMMAND/);
      for (const row of recovery.rows) expect(row.recovered).toBeNull();
      return;
    }
    const kept = Object.fromEntries(recovery.rows.map((r) => [r.case, { survived: r.queueSurvived, recovered: r.recovered, lost: r.lost, duplicated: r.duplicated, corrupted: r.corrupted }]));
    const all = { recovered: 50, lost: 0, duplicated: 0, corrupted: 0 };
    const none = { recovered: 0, lost: 50, duplicated: 0, corrupted: 0 };
    expect(kept).toEqual({
      none: { survived: false, ...none },
      "durable-queue": { survived: true, ...none },
      "persistent-messages": { survived: false, ...none },
      both: { survived: true, ...all },
      "quorum-transient": { survived: true, ...all },
    });
    for (const r of recovery.rows) expect(r.recovered).toBe(r.expected === "all" ? r.published : 0);
  });
});

test("lazy mode is honoured before RabbitMQ 3.12 and ignored from 3.12", () => {
  expect(lazyModeSupported("RabbitMQ 3.10.8")).toBe(true);
  expect(lazyModeSupported("in-memory broker (rabbitmq-reliable-delivery-lab) 3.10.8")).toBe(true);
  expect(lazyModeSupported("3.11.28")).toBe(true);
  expect(lazyModeSupported("RabbitMQ 3.12.0")).toBe(false);
  expect(lazyModeSupported("RabbitMQ 4.0.5")).toBe(false);
});

test("without a restart command a live run still completes and says what to set", { timeout: 60_000 }, async () => {
  const report = await runDurability({
    broker: new MemoryBroker(),
    messages: 20,
    rounds: 1,
    recoveryMessages: 10,
    storage: false,
    warmup: 0,
    restart: () => Promise.reject(new Error("cannot restart the RabbitMQ at amqp://x: no restart command is configured; set RABBITMQ_RESTART_COMMAND")),
  });
  expect(report.recovery).toMatchObject({ restarted: false, note: expect.stringMatching(/set RABBITMQ_RESTART_COMMAND/) });
  expect(report.recovery!.rows.map((r) => r.published)).toEqual([10, 10, 10, 10, 10]);
});
