// The acknowledgement-mode experiment at small sizes, on the in-memory broker and (with AMQP_URL)
// on RabbitMQ. Counts, integrity and structure only: timings belong in printed benchmarks.
import { describe, expect, test } from "vitest";
import { ACK_MODES, type AckModeName, compareNagle, crashPoint, runAckModes } from "../../src/experiments/ack-modes";
import type { ExperimentProgress, ExperimentTarget } from "../../src/experiments/harness";
import { MemoryBroker } from "../../src/memory/broker";

const targets: [string, () => ExperimentTarget][] = [["in-memory broker", () => ({ broker: new MemoryBroker() })]];
if (process.env.AMQP_URL) targets.push(["live broker", () => ({ url: process.env.AMQP_URL })]);

const SIZES = { messages: 300, crashMessages: 120, consumers: 3, prefetch: 20, batchSize: 10, warmup: 0, quietMs: 100, size: 64 };

/** Messages processed twice when the crashing consumer dies after processing `crashAt` and before settling it. */
function expectedDuplicates(mode: AckModeName, crashAt: number, batch: number): number {
  if (mode === "auto-ack") return 0;
  if (mode === "batch-ack" || mode === "tx-batch") return ((crashAt - 1) % batch) + 1; // the unsettled part of its batch
  return 1; // the one message it was working on
}

describe.each(targets)("on the %s", (broker, target) => {
  test("every mode delivers every message once, intact, and a crash costs what the mode allows", { timeout: 120_000 }, async () => {
    const progress: ExperimentProgress[] = [];
    const report = await runAckModes({ ...target(), ...SIZES, onProgress: (p) => progress.push(p), sampleEveryMs: 20 });

    expect(report.experiment).toBe("ack-modes");
    expect(report.run.live).toBe(broker === "live broker");
    expect(report.run.source).toMatch(broker === "live broker" ? /^RabbitMQ \d/ : /^in-memory broker$/);
    expect(report.results.map((r) => r.mode)).toEqual([...ACK_MODES]);
    const crashAt = crashPoint(SIZES.crashMessages, SIZES.consumers);
    for (const r of report.results) {
      const where = `${r.mode} on the ${broker}`;
      expect({ where, sent: r.sent, received: r.received, success: r.successRate, corrupted: r.corrupted, duplicated: r.duplicated, latencies: r.latency.count }).toEqual({
        where,
        sent: SIZES.messages,
        received: SIZES.messages,
        success: 1,
        corrupted: 0,
        duplicated: 0,
        latencies: SIZES.messages,
      });
      expect(r.latency.p50).toBeLessThanOrEqual(r.latency.p99);
      const c = r.crash!;
      expect({ where, crashedAfter: c.crashedAfter, duplicated: c.duplicated, corrupted: c.corrupted, accounted: c.processed + c.lost }).toEqual({
        where,
        crashedAfter: crashAt,
        duplicated: expectedDuplicates(r.mode, crashAt, SIZES.batchSize),
        corrupted: 0,
        accounted: SIZES.crashMessages,
      });
      if (r.mode === "auto-ack") {
        // Everything the broker had handed to the dead consumer is gone: at least what its callback saw and never processed.
        expect(c.lost).toBeGreaterThanOrEqual(c.crashedConsumerReceived - crashAt);
        if (broker === "in-memory broker") expect(c.lost).toBe(c.crashedConsumerReceived - crashAt);
      } else {
        expect(c.lost, where).toBe(0);
        expect(c.successRate).toBe(1);
      }
    }

    expect(progress.length).toBeGreaterThan(0);
    expect(new Set(progress.map((p) => p.phase))).toContain("manual-ack: consumer crash");
    for (const p of progress) expect(p.done).toBeLessThanOrEqual(p.total);
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
  });

  test("the Nagle comparison times both request/response patterns with noDelay on and off", { timeout: 60_000 }, async () => {
    const report = await compareNagle({ ...target(), messages: 5 });
    expect(report.rows.map((r) => [r.pattern, r.noDelay])).toEqual([
      ["publish + tx.commit", true],
      ["publish + tx.commit", false],
      ["publish + wait for confirm", true],
      ["publish + wait for confirm", false],
    ]);
    for (const r of report.rows) expect(r.latency.count).toBe(5);
  });
});

test("a prefetch smaller than the batch is refused with a sentence that says why", async () => {
  await expect(runAckModes({ broker: new MemoryBroker(), prefetch: 5, batchSize: 10 })).rejects.toThrow(/prefetch 5 is smaller than batchSize 10.*Use prefetch ≥ batchSize/);
});
