// Figures recorded against a real RabbitMQ by this same code, committed as data so that memory
// mode can show what a real broker does beside what it measured itself. Re-record with
//   AMQP_URL=... RABBITMQ_RESTART_COMMAND=... npm run bench -- ack-modes --record
//   AMQP_URL=... RABBITMQ_RESTART_COMMAND=... npm run bench -- durability --record
import type { AckModesReport, NagleReport } from "./ack-modes";
import type { DurabilityLevel, DurabilityReport } from "./durability";
import type { RunInfo } from "./harness";
import ackModesData from "./reference/ack-modes.json";
import durabilityData from "./reference/durability.json";

export interface AckModesReference {
  /** The command that recorded it. */
  recordedWith: string;
  report: AckModesReport;
  nagle: NagleReport | null;
}

export interface DurabilityReference {
  recordedWith: string;
  report: DurabilityReport;
}

export const REFERENCE_FILES = { "ack-modes": "ack-modes.json", durability: "durability.json" } as const;

/** The recorded acknowledgement-mode figures. */
export function ackModesReference(): AckModesReference {
  return ackModesData as unknown as AckModesReference;
}

/** The recorded durability figures. */
export function durabilityReference(): DurabilityReference {
  return durabilityData as unknown as DurabilityReference;
}

/** "recorded reference: RabbitMQ 3.10.8, 2 × AMD EPYC, 24 GiB RAM, linux 6.1, 2025-11-21": the source of recorded figures. */
export function describeRecording(run: RunInfo): string {
  return `recorded reference: ${run.broker}, ${run.machine}, ${run.date.slice(0, 10)}`;
}

/**
 * The seed course's "baseline" for its four durability levels (chapter 4, a Python client
 * publishing one message at a time), as printed there: no machine, broker version or method given.
 */
export const SEED_BASELINE: { source: string; rates: Record<DurabilityLevel, number> } = {
  source: "seed course, chapter 4 (Python and pika), as printed there, without machine or broker version",
  rates: { none: 1000, "durable-queue": 800, "persistent-messages": 700, both: 500 },
};
