// The recorded reference figures are real RabbitMQ runs of this code, with where and when.
import { expect, test } from "vitest";
import { ACK_MODES } from "../../src/experiments/ack-modes";
import { DURABILITY_LEVELS } from "../../src/experiments/durability";
import { ackModesReference, describeRecording, durabilityReference, SEED_BASELINE } from "../../src/experiments/reference";

test("the acknowledgement-mode reference was recorded from RabbitMQ with every mode, crash counts and the Nagle rows", () => {
  const { recordedWith, report, nagle } = ackModesReference();
  expect(recordedWith).toMatch(/npm run bench -- ack-modes .*--record/);
  expect(report.run).toMatchObject({ live: true, broker: expect.stringMatching(/^RabbitMQ \d+\.\d+/) });
  expect(report.run.machine).toMatch(/GiB RAM/);
  expect(describeRecording(report.run)).toMatch(/^recorded reference: RabbitMQ \d+\.\d+\.\d+, .+, \d{4}-\d\d-\d\d$/);
  expect(report.results.map((r) => r.mode)).toEqual([...ACK_MODES]);
  for (const r of report.results) {
    expect(r.received).toBe(report.settings.messages);
    expect(r.crash!.processed + r.crash!.lost).toBe(report.settings.crashMessages);
  }
  expect(nagle?.rows).toHaveLength(4);
});

test("the durability reference was recorded with a restart that kept exactly what RabbitMQ keeps", () => {
  const { report } = durabilityReference();
  expect(report.run.live).toBe(true);
  expect(report.results.map((r) => r.level)).toEqual([...DURABILITY_LEVELS]);
  expect(report.recovery?.restarted).toBe(true);
  for (const row of report.recovery!.rows) expect(row.recovered).toBe(row.expected === "all" ? row.published : 0);
});

test("the seed course's baseline is kept as printed", () => {
  expect(SEED_BASELINE.rates).toEqual({ none: 1000, "durable-queue": 800, "persistent-messages": 700, both: 500 });
});
