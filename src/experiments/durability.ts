// Experiment 2: durability levels. For each level the same self-checking messages are published
// with asynchronous confirms (a confirm for a persistent message in a durable queue means it is
// on disk) and consumed back; then one broker restart shows what each level keeps, every
// recovered message checked against its checksum; then the storage of a durable, persistent
// queue is compared: classic, classic in lazy mode, quorum.
import type { BrokerConnection, Channel, Options } from "../amqp";
import { restartBroker } from "../restart";
import { DeliveryLedger, makeBody } from "./checksum";
import {
  deferred,
  type ExperimentTarget,
  openConnection,
  PhaseGuard,
  ProgressMeter,
  type ProgressListener,
  rate,
  runInfo,
  runQueueName,
  type RunInfo,
  send,
} from "./harness";
import { LatencyRecorder, type LatencySummary } from "./histogram";

export type DurabilityLevel = "none" | "durable-queue" | "persistent-messages" | "both";

export const DURABILITY_LEVELS: readonly DurabilityLevel[] = ["none", "durable-queue", "persistent-messages", "both"];

/** What each level sets: the queue's `durable` flag and the messages' `persistent` flag (delivery mode 2). */
export const LEVEL_SETTINGS: Record<DurabilityLevel, { durableQueue: boolean; persistent: boolean; label: string }> = {
  none: { durableQueue: false, persistent: false, label: "no durability" },
  "durable-queue": { durableQueue: true, persistent: false, label: "durable queue only" },
  "persistent-messages": { durableQueue: false, persistent: true, label: "persistent messages only" },
  both: { durableQueue: true, persistent: true, label: "durable queue + persistent messages" },
};

export type StorageKind = "classic" | "classic-lazy" | "quorum";
export const STORAGE_KINDS: readonly StorageKind[] = ["classic", "classic-lazy", "quorum"];

const STORAGE_ARGUMENTS: Record<StorageKind, Record<string, string>> = {
  classic: {},
  "classic-lazy": { "x-queue-mode": "lazy" },
  quorum: { "x-queue-type": "quorum" },
};

export interface DurabilityOptions extends ExperimentTarget {
  /** Which levels to measure (default: all four). */
  levels?: readonly DurabilityLevel[];
  /** Messages per level and per storage kind, in each round. */
  messages?: number;
  /** Rounds over all cases, interleaved; each case reports its median round (default 3). */
  rounds?: number;
  /** Messages per case in the restart run (0 skips the restart). */
  recoveryMessages?: number;
  /** Also compare classic, lazy and quorum storage (default true). */
  storage?: boolean;
  /** Body size in bytes (at least 8: sequence number and checksum). */
  size?: number;
  /** Publishes awaiting their confirm at most. */
  confirmWindow?: number;
  /** Unacknowledged messages the consumer may hold. */
  prefetch?: number;
  /** Messages of an unreported first run that warms up the JIT and the broker (0: none). */
  warmup?: number;
  /** A phase fails when nothing moves for this long. */
  stallMs?: number;
  /** Restarts the broker (default: `restartBroker()` for the same target). */
  restart?: () => Promise<string>;
  onProgress?: ProgressListener;
  sampleEveryMs?: number;
}

const DEFAULTS = {
  messages: 2000,
  rounds: 3,
  recoveryMessages: 1000,
  storage: true,
  size: 256,
  confirmWindow: 256,
  prefetch: 200,
  warmup: 1000,
  stallMs: 30_000,
  sampleEveryMs: 250,
};

export type DurabilitySettings = Omit<Required<DurabilityOptions>, keyof ExperimentTarget | "onProgress" | "levels" | "restart">;

export interface ThroughputFigures {
  /** Messages confirmed by the broker, over all rounds. */
  sent: number;
  /** Confirmed messages per second of publishing: the median round. */
  sendRate: number;
  /** Messages consumed and acknowledged per second, from a full queue: the median round. */
  receiveRate: number;
  /** Every round's rates, in the order they ran: their spread says how steady the machine was. */
  sendRates: number[];
  receiveRates: number[];
  /** From publish to the broker's confirm, over all rounds. */
  confirmLatency: LatencySummary;
  /** Messages consumed back intact, damaged, twice. */
  intact: number;
  corrupted: number;
  duplicated: number;
}

export interface DurabilityResult extends ThroughputFigures {
  level: DurabilityLevel;
  label: string;
  durableQueue: boolean;
  persistent: boolean;
}

export type RecoveryCase = DurabilityLevel | "quorum-transient";

export interface RecoveryRow {
  case: RecoveryCase;
  label: string;
  queueType: "classic" | "quorum";
  durableQueue: boolean;
  persistent: boolean;
  /** Messages confirmed before the restart. */
  published: number;
  /** Whether the queue itself was there after the restart (null: no restart happened). */
  queueSurvived: boolean | null;
  /** Distinct messages read back intact after the restart. */
  recovered: number | null;
  lost: number | null;
  duplicated: number | null;
  corrupted: number | null;
  /** What RabbitMQ documents that it keeps: durable classic queues keep persistent messages; quorum queues keep every message. */
  expected: "all" | "none";
}

export interface RecoveryReport {
  /** False when the broker could not be restarted (live mode without RABBITMQ_RESTART_COMMAND). */
  restarted: boolean;
  /** restartBroker's own sentence: what was restarted, or why it could not be. */
  note: string;
  rows: RecoveryRow[];
}

export interface StorageResult extends Partial<ThroughputFigures> {
  storage: StorageKind;
  /** The queue arguments that select it. */
  arguments: Record<string, string>;
  /** False when this broker ignores the setting (lazy mode from RabbitMQ 3.12). */
  supported: boolean;
  note?: string;
}

export interface DurabilityReport {
  experiment: "durability";
  run: RunInfo;
  settings: DurabilitySettings;
  results: DurabilityResult[];
  recovery: RecoveryReport | null;
  storage: StorageResult[];
}

/** True when `version` ("3.10.8", "RabbitMQ 3.10.8") still honours `x-queue-mode: lazy` (before 3.12). */
export function lazyModeSupported(version: string): boolean {
  const match = /(\d+)\.(\d+)/.exec(version);
  if (!match) return true;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major < 3 || (major === 3 && minor < 12);
}

const RECOVERY_CASES: readonly RecoveryCase[] = [...DURABILITY_LEVELS, "quorum-transient"];

function recoveryCase(c: RecoveryCase): { label: string; queueType: "classic" | "quorum"; durableQueue: boolean; persistent: boolean; expected: "all" | "none" } {
  if (c === "quorum-transient") return { label: "quorum queue, transient messages", queueType: "quorum", durableQueue: true, persistent: false, expected: "all" };
  const { label, durableQueue, persistent } = LEVEL_SETTINGS[c];
  return { label, queueType: "classic", durableQueue, persistent, expected: durableQueue && persistent ? "all" : "none" };
}

/** Measures each durability level, restarts the broker once to count what each keeps, and compares storage kinds. */
export async function runDurability(options: DurabilityOptions = {}): Promise<DurabilityReport> {
  const settings: DurabilitySettings = {
    messages: options.messages ?? DEFAULTS.messages,
    rounds: Math.max(1, options.rounds ?? DEFAULTS.rounds),
    recoveryMessages: options.recoveryMessages ?? DEFAULTS.recoveryMessages,
    storage: options.storage ?? DEFAULTS.storage,
    size: options.size ?? DEFAULTS.size,
    confirmWindow: Math.max(1, options.confirmWindow ?? DEFAULTS.confirmWindow),
    prefetch: options.prefetch ?? DEFAULTS.prefetch,
    warmup: options.warmup ?? DEFAULTS.warmup,
    stallMs: options.stallMs ?? DEFAULTS.stallMs,
    sampleEveryMs: options.sampleEveryMs ?? DEFAULTS.sampleEveryMs,
  };
  const levels = options.levels ?? DURABILITY_LEVELS;
  const storageKinds = settings.storage ? STORAGE_KINDS : [];
  const recoveryTotal = settings.recoveryMessages > 0 ? RECOVERY_CASES.length * settings.recoveryMessages : 0;
  const meter = new ProgressMeter((levels.length + storageKinds.length) * settings.messages * settings.rounds + recoveryTotal, options.onProgress, settings.sampleEveryMs);
  const started = new Date();
  let control = await openConnection(options);
  try {
    const run = runInfo(control, options, started);
    if (settings.warmup > 0) {
      const quiet = new ProgressMeter(settings.warmup, undefined, settings.sampleEveryMs);
      await measure("warm-up", control, options, { ...settings, messages: settings.warmup }, quiet, { durable: false }, false, new LatencyRecorder());
    }
    // Rounds interleave the cases, so a slow moment of the machine hits every case alike; each
    // case reports its median round.
    interface Case {
      name: string;
      queue: Options.AssertQueue;
      persistent: boolean;
      rounds: RoundFigures[];
      latency: LatencyRecorder;
    }
    const levelCases = levels.map((level): Case => ({ name: level, queue: { durable: LEVEL_SETTINGS[level].durableQueue }, persistent: LEVEL_SETTINGS[level].persistent, rounds: [], latency: new LatencyRecorder() }));
    const lazyOk = lazyModeSupported(run.broker);
    const storageCases = storageKinds
      .filter((kind) => kind !== "classic-lazy" || lazyOk)
      .map((kind): Case => ({ name: kind, queue: { durable: true, arguments: STORAGE_ARGUMENTS[kind] }, persistent: true, rounds: [], latency: new LatencyRecorder() }));
    for (let round = 1; round <= settings.rounds; round++) {
      for (const c of [...levelCases, ...storageCases]) {
        const phase = `${c.name}: publish and consume${settings.rounds > 1 ? ` (round ${round} of ${settings.rounds})` : ""}`;
        c.rounds.push(await measure(phase, control, options, settings, meter, c.queue, c.persistent, c.latency));
      }
    }
    const results: DurabilityResult[] = levels.map((level, i) => {
      const { durableQueue, persistent, label } = LEVEL_SETTINGS[level];
      return { level, label, durableQueue, persistent, ...combine(levelCases[i]!) };
    });
    const storage: StorageResult[] = storageKinds.map((kind) => {
      const c = storageCases.find((x) => x.name === kind);
      const args = STORAGE_ARGUMENTS[kind];
      if (!c) return { storage: kind, arguments: args, supported: false, note: `${run.broker} ignores x-queue-mode (from 3.12 every classic queue keeps messages on disk as lazy queues did)` };
      return { storage: kind, arguments: args, supported: true, ...combine(c) };
    });
    let recovery: RecoveryReport | null = null;
    if (settings.recoveryMessages > 0) {
      const outcome = await recoveryRun(control, options, settings, meter);
      recovery = outcome.report;
      control = outcome.control;
    }
    return { experiment: "durability", run, settings, results, recovery, storage };
  } finally {
    await control.close().catch(() => undefined);
  }
}

/** Publishes `n` messages with asynchronous confirms; resolves with how many were confirmed. */
async function publishConfirmed(conn: BrokerConnection, queue: string, n: number, persistent: boolean, s: DurabilitySettings, meter: ProgressMeter, latency?: LatencyRecorder): Promise<number> {
  const channel = await conn.createConfirmChannel();
  const options: Options.Publish = { persistent };
  let confirmed = 0;
  let inFlight = 0;
  let slot = deferred<void>();
  for (let seq = 0; seq < n; seq++) {
    while (inFlight >= s.confirmWindow) {
      slot = deferred<void>();
      await slot.promise;
    }
    const t = performance.now();
    inFlight++;
    await send(channel, queue, makeBody(seq, s.size), options, (err) => {
      if (!err) confirmed++;
      latency?.record(performance.now() - t);
      inFlight--;
      slot.resolve();
    });
    meter.sent++;
  }
  await channel.waitForConfirms().catch(() => undefined); // a nack rejects it; the callbacks counted it
  await channel.close();
  return confirmed;
}

/** Consumes until `count` deliveries arrived, acking each; every body goes through the ledger. */
async function consumeCount(conn: BrokerConnection, queue: string, count: number, prefetch: number, ledger: DeliveryLedger, meter: ProgressMeter): Promise<void> {
  if (count === 0) return;
  const channel = await conn.createChannel();
  await channel.prefetch(prefetch);
  let received = 0;
  const done = deferred<void>();
  const { consumerTag } = await channel.consume(queue, (msg) => {
    if (!msg) return;
    ledger.record(msg.content);
    meter.received++;
    channel.ack(msg);
    if (++received === count) done.resolve();
  });
  await done.promise;
  await channel.cancel(consumerTag);
  await channel.close();
}

interface RoundFigures {
  sent: number;
  sendRate: number;
  receiveRate: number;
  intact: number;
  corrupted: number;
  duplicated: number;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
};

function combine(c: { rounds: readonly RoundFigures[]; latency: LatencyRecorder }): ThroughputFigures {
  const sum = (f: (r: RoundFigures) => number) => c.rounds.reduce((total, r) => total + f(r), 0);
  return {
    sent: sum((r) => r.sent),
    sendRate: median(c.rounds.map((r) => r.sendRate)),
    receiveRate: median(c.rounds.map((r) => r.receiveRate)),
    sendRates: c.rounds.map((r) => r.sendRate),
    receiveRates: c.rounds.map((r) => r.receiveRate),
    confirmLatency: c.latency.summary(),
    intact: sum((r) => r.intact),
    corrupted: sum((r) => r.corrupted),
    duplicated: sum((r) => r.duplicated),
  };
}

async function measure(phase: string, control: BrokerConnection, target: ExperimentTarget, s: DurabilitySettings, meter: ProgressMeter, queueOptions: Options.AssertQueue, persistent: boolean, latency: LatencyRecorder): Promise<RoundFigures> {
  const guard = new PhaseGuard(phase, s.stallMs);
  const admin = await control.createChannel();
  const queue = runQueueName("durability", phase.split(":")[0]!);
  await admin.assertQueue(queue, { autoDelete: false, ...queueOptions });
  const conn = await openConnection(target, guard.lost);
  try {
    await meter.begin(phase, s.messages, control, queue);
    const ledger = new DeliveryLedger(s.messages);
    const t0 = performance.now();
    const sent = await guard.run(publishConfirmed(conn, queue, s.messages, persistent, s, meter, latency), () => meter.sent, () => "confirms");
    const t1 = performance.now();
    await guard.run(consumeCount(conn, queue, sent, s.prefetch, ledger, meter), () => meter.received, () => `${sent - meter.received} messages to arrive`);
    const t2 = performance.now();
    await meter.end();
    return {
      sent,
      sendRate: rate(sent, t1 - t0),
      receiveRate: rate(sent, t2 - t1),
      intact: ledger.unique,
      corrupted: ledger.corrupted,
      duplicated: ledger.duplicated,
    };
  } finally {
    guard.stop();
    await conn.close().catch(() => undefined);
    await admin.deleteQueue(queue).catch(() => undefined);
    await admin.close().catch(() => undefined);
  }
}

function queueOptionsOf(c: RecoveryCase): Options.AssertQueue {
  const { queueType, durableQueue } = recoveryCase(c);
  return { durable: durableQueue, autoDelete: false, ...(queueType === "quorum" ? { arguments: { "x-queue-type": "quorum" } } : {}) };
}

/** Fills one queue per case, restarts the broker, reads back what survived. */
async function recoveryRun(control: BrokerConnection, target: ExperimentTarget & { restart?: () => Promise<string> }, s: DurabilitySettings, meter: ProgressMeter): Promise<{ report: RecoveryReport; control: BrokerConnection }> {
  const n = s.recoveryMessages;
  const queues = new Map(RECOVERY_CASES.map((c) => [c, runQueueName("recovery", c)]));
  const published = new Map<RecoveryCase, number>();
  const guard = new PhaseGuard("recovery: publish", s.stallMs);
  const admin = await control.createChannel();
  const conn = await openConnection(target, guard.lost);
  try {
    for (const c of RECOVERY_CASES) {
      const queue = queues.get(c)!;
      await admin.assertQueue(queue, queueOptionsOf(c));
      await meter.begin(`${c}: publish before the restart`, 0, control, queue);
      published.set(c, await guard.run(publishConfirmed(conn, queue, n, recoveryCase(c).persistent, s, meter), () => meter.sent, () => "confirms"));
      await meter.end();
    }
  } finally {
    guard.stop();
    await conn.close().catch(() => undefined);
  }

  meter.note("restarting the broker");
  let note: string;
  let restarted = false;
  try {
    note = await (target.restart ?? (() => restartBroker({ url: target.url, broker: target.broker })))();
    restarted = true;
  } catch (err) {
    note = (err as Error).message;
  }
  if (!restarted) {
    for (const queue of queues.values()) await admin.deleteQueue(queue).catch(() => undefined);
    await admin.close().catch(() => undefined);
    const rows = RECOVERY_CASES.map((c): RecoveryRow => {
      const { label, queueType, durableQueue, persistent, expected } = recoveryCase(c);
      return { case: c, label, queueType, durableQueue, persistent, published: published.get(c) ?? 0, queueSurvived: null, recovered: null, lost: null, duplicated: null, corrupted: null, expected };
    });
    return { report: { restarted, note, rows }, control };
  }

  // The restart closed every connection, the control connection too.
  await control.close().catch(() => undefined);
  const fresh = await openConnection(target);
  const after = await openConnection(target);
  const rows: RecoveryRow[] = [];
  try {
    for (const c of RECOVERY_CASES) {
      const queue = queues.get(c)!;
      const { label, queueType, durableQueue, persistent, expected } = recoveryCase(c);
      const sent = published.get(c) ?? 0;
      const ledger = new DeliveryLedger(n);
      const count = await readyCount(after, queue);
      const phase = `${c}: read back after the restart`;
      const readGuard = new PhaseGuard(phase, s.stallMs);
      await meter.begin(phase, n, fresh, count === null ? undefined : queue);
      if (count !== null) {
        await readGuard.run(consumeCount(after, queue, count, s.prefetch, ledger, meter), () => meter.received, () => `${count - meter.received} recovered messages`);
      }
      readGuard.stop();
      await meter.end();
      rows.push({
        case: c,
        label,
        queueType,
        durableQueue,
        persistent,
        published: sent,
        queueSurvived: count !== null,
        recovered: ledger.unique,
        lost: sent - ledger.unique,
        duplicated: ledger.duplicated,
        corrupted: ledger.corrupted,
        expected,
      });
    }
  } finally {
    const cleanup = await fresh.createChannel();
    for (const queue of queues.values()) await cleanup.deleteQueue(queue).catch(() => undefined);
    await cleanup.close().catch(() => undefined);
    await after.close().catch(() => undefined);
  }
  return { report: { restarted, note, rows }, control: fresh };
}

/** Ready messages in a queue, or null when it no longer exists (checked on a throwaway channel: a 404 closes it). */
async function readyCount(conn: BrokerConnection, queue: string): Promise<number | null> {
  const channel: Channel = await conn.createChannel();
  channel.on("error", () => undefined);
  try {
    const { messageCount } = await channel.checkQueue(queue);
    await channel.close();
    return messageCount;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return null;
    throw err;
  }
}
