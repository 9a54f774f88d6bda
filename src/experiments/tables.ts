// The experiments' reports as text tables (terminal, notebook text) and as tidy rows for charts.
import type { VegaLiteSpec } from "../lab/chart";
import { textTable, type Cell } from "../lab/text-table";
import type { AckModeName, AckModesReport, NagleReport } from "./ack-modes";
import type { DurabilityLevel, DurabilityReport } from "./durability";
import { SEED_BASELINE } from "./reference";

const pct = (x: number) => Math.round(x * 1000) / 10;

/** Send and receive rate, latency percentiles and success per mode; `sides: false` leaves out what each side does. */
export function ackModesTable(report: AckModesReport, options: { sides?: boolean } = {}): string {
  const sides = options.sides ?? true;
  return textTable(
    ["mode", ...(sides ? ["publisher", "consumer"] : []), "send msg/s", "receive msg/s", "p50 ms", "p95 ms", "p99 ms", "success %"],
    report.results.map((r) => [r.mode, ...(sides ? [r.publisher, r.consumer] : []), r.sendRate, r.receiveRate, r.latency.p50, r.latency.p95, r.latency.p99, pct(r.successRate)]),
  );
}

/** What one crashing consumer cost, per mode; `sides: false` leaves out what the consumer does. */
export function crashTable(report: AckModesReport, options: { sides?: boolean } = {}): string {
  const sides = options.sides ?? true;
  return textTable(
    ["mode", ...(sides ? ["consumer"] : []), "messages", "crashed after", "seen by it", "lost", "duplicated", "corrupted", "success %"],
    report.results.map((r): Cell[] => {
      const c = r.crash;
      return [r.mode, ...(sides ? [r.consumer] : []), c?.messages, c?.crashedAfter ?? (c ? "no crash" : "skipped"), c?.crashedConsumerReceived, c?.lost, c?.duplicated, c?.corrupted, c ? pct(c.successRate) : undefined];
    }),
  );
}

export function nagleTable(report: NagleReport): string {
  return textTable(
    ["pattern", "noDelay", "round trips/s", "p50 ms", "p99 ms"],
    report.rows.map((r) => [r.pattern, r.noDelay ? "true (Nagle off)" : "false (Nagle on)", r.rate, r.latency.p50, r.latency.p99]),
  );
}

const spread = (values: readonly number[] | undefined) => (values && values.length > 1 ? `${Math.min(...values)}–${Math.max(...values)}` : "");

/** Rates per durability level (median round, and the spread of the rounds), with the seed course's printed baseline beside them. */
export function durabilityTable(report: DurabilityReport): string {
  return textTable(
    ["level", "send msg/s", "rounds", "receive msg/s", "rounds ", "confirm p50 ms", "confirm p99 ms", "intact", "seed baseline msg/s"],
    report.results.map((r) => [
      r.level,
      r.sendRate,
      spread(r.sendRates),
      r.receiveRate,
      spread(r.receiveRates),
      r.confirmLatency.p50,
      r.confirmLatency.p99,
      `${r.intact}/${r.sent}`,
      SEED_BASELINE.rates[r.level],
    ]),
  );
}

export function recoveryTable(report: DurabilityReport): string {
  const recovery = report.recovery;
  if (!recovery) return "(no restart run)";
  const table = textTable(
    ["case", "queue", "persistent", "published", "queue after", "recovered", "lost", "duplicated", "corrupted", "RabbitMQ keeps"],
    recovery.rows.map((r) => [
      r.case,
      `${r.queueType}${r.durableQueue ? ", durable" : ""}`,
      r.persistent,
      r.published,
      r.queueSurvived === null ? "-" : r.queueSurvived ? "still there" : "gone",
      r.recovered ?? "-",
      r.lost ?? "-",
      r.duplicated ?? "-",
      r.corrupted ?? "-",
      r.expected,
    ]),
  );
  return `${table}\n${recovery.note}`;
}

export function storageTable(report: DurabilityReport): string {
  return textTable(
    ["storage", "send msg/s", "rounds", "receive msg/s", "rounds ", "confirm p50 ms", "confirm p99 ms", "note"],
    report.storage.map((r) => [r.storage, r.sendRate, spread(r.sendRates), r.receiveRate, spread(r.receiveRates), r.confirmLatency?.p50, r.confirmLatency?.p99, r.note ?? ""]),
  );
}

// ---- rows for charts --------------------------------------------------------------------------

export interface ThroughputRow {
  mode: AckModeName;
  direction: "send" | "receive";
  "msg/s": number;
}

export function ackThroughputRows(report: AckModesReport): ThroughputRow[] {
  return report.results.flatMap((r): ThroughputRow[] => [
    { mode: r.mode, direction: "send", "msg/s": r.sendRate },
    { mode: r.mode, direction: "receive", "msg/s": r.receiveRate },
  ]);
}

export interface LatencyRow {
  mode: AckModeName;
  percentile: "p50" | "p95" | "p99";
  "latency (ms)": number;
}

export function ackLatencyRows(report: AckModesReport): LatencyRow[] {
  return report.results.flatMap((r) => (["p50", "p95", "p99"] as const).map((percentile) => ({ mode: r.mode, percentile, "latency (ms)": r.latency[percentile] })));
}

/** p50, p95 and p99 per mode on a logarithmic axis: per-message round trips and queueing differ a thousandfold. */
export function ackLatencySpec(report: AckModesReport): VegaLiteSpec {
  return {
    title: { text: "Latency from publish to settlement", subtitle: `Source: ${report.run.source}`, anchor: "start" },
    width: 520,
    height: 240,
    data: { values: ackLatencyRows(report) },
    mark: { type: "point", filled: true, size: 70 },
    encoding: {
      x: { field: "mode", type: "nominal", sort: null, axis: { labelAngle: -30 } },
      y: { field: "latency (ms)", type: "quantitative", scale: { type: "log" }, title: "latency (ms, log scale)" },
      color: { field: "percentile", type: "nominal", sort: null },
      tooltip: [{ field: "mode" }, { field: "percentile" }, { field: "latency (ms)" }],
    },
  };
}

export interface CrashRow {
  mode: AckModeName;
  outcome: "lost" | "duplicated";
  messages: number;
}

export function crashRows(report: AckModesReport): CrashRow[] {
  return report.results.flatMap((r): CrashRow[] =>
    r.crash
      ? [
          { mode: r.mode, outcome: "lost", messages: r.crash.lost },
          { mode: r.mode, outcome: "duplicated", messages: r.crash.duplicated },
        ]
      : [],
  );
}

/** Short legend labels; the chart's source line says which broker, machine and date. */
const measuredOn = (run: { live: boolean }, recorded: boolean) => (recorded ? "RabbitMQ, recorded" : run.live ? "RabbitMQ, this run" : "in-memory, this run");

/** One rate per mode from this run and from a recorded run, side by side. */
export function compareAckModes(report: AckModesReport, reference: AckModesReport, direction: "send" | "receive" = "receive"): { mode: AckModeName; "measured on": string; "msg/s": number }[] {
  const pick = (r: AckModesReport["results"][number]) => (direction === "send" ? r.sendRate : r.receiveRate);
  return report.results.flatMap((r) => {
    const ref = reference.results.find((x) => x.mode === r.mode);
    return [{ mode: r.mode, "measured on": measuredOn(report.run, false), "msg/s": pick(r) }, ...(ref ? [{ mode: r.mode, "measured on": measuredOn(reference.run, true), "msg/s": pick(ref) }] : [])];
  });
}

export interface DurabilityRow {
  level: DurabilityLevel;
  "measured on": string;
  "msg/s": number;
}

/** Send rate per level: this run, optionally a recorded run, and the seed course's baseline. */
export function durabilityRows(report: DurabilityReport, reference?: DurabilityReport): DurabilityRow[] {
  return report.results.flatMap((r): DurabilityRow[] => {
    const ref = reference?.results.find((x) => x.level === r.level);
    return [
      { level: r.level, "measured on": measuredOn(report.run, false), "msg/s": r.sendRate },
      ...(ref ? [{ level: r.level, "measured on": measuredOn(reference!.run, true), "msg/s": ref.sendRate }] : []),
      { level: r.level, "measured on": "seed course", "msg/s": SEED_BASELINE.rates[r.level] },
    ];
  });
}

export interface RecoveryChartRow {
  case: string;
  outcome: "recovered" | "lost";
  messages: number;
}

export function recoveryRows(report: DurabilityReport): RecoveryChartRow[] {
  return (report.recovery?.rows ?? []).flatMap((r): RecoveryChartRow[] =>
    r.recovered === null
      ? []
      : [
          { case: r.case, outcome: "recovered", messages: r.recovered },
          { case: r.case, outcome: "lost", messages: r.lost ?? 0 },
        ],
  );
}

export interface StorageRow {
  storage: string;
  direction: "send" | "receive";
  "msg/s": number;
}

export function storageRows(report: DurabilityReport): StorageRow[] {
  return report.storage.flatMap((r): StorageRow[] =>
    r.supported
      ? [
          { storage: r.storage, direction: "send", "msg/s": r.sendRate ?? 0 },
          { storage: r.storage, direction: "receive", "msg/s": r.receiveRate ?? 0 },
        ]
      : [],
  );
}
