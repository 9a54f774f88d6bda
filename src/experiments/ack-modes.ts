// Experiment 1: acknowledgement modes. The same stream of self-checking messages goes through a
// queue once per mode, publisher and consumers running at once; then a second, pre-filled run
// makes one of the consumers crash half-way through its share and counts what was lost and
// what was processed twice.
//
//   consumer side   auto-ack (noAck) · ack each message · ack `multiple` every N · tx.commit per message / every N
//   publisher side  plain publish · wait for each confirm · waitForConfirms every N · confirm callbacks, a window in flight · tx.commit per message / every N
import type { BrokerConnection, Channel, ConfirmChannel, ConsumeMessage } from "../amqp";
import { txCommit, txSelect } from "../transactions";
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
  sleep,
} from "./harness";
import { LatencyRecorder, type LatencySummary } from "./histogram";

export type AckModeName =
  | "auto-ack"
  | "manual-ack"
  | "batch-ack"
  | "tx-per-message"
  | "tx-batch"
  | "confirm-per-message"
  | "confirm-batch"
  | "confirm-async";

/** Every mode, in the order the lesson and the CLI show them. */
export const ACK_MODES: readonly AckModeName[] = [
  "auto-ack",
  "manual-ack",
  "batch-ack",
  "tx-per-message",
  "tx-batch",
  "confirm-per-message",
  "confirm-batch",
  "confirm-async",
];

type PublishSide = { kind: "plain" } | { kind: "confirm"; every: number | "async" } | { kind: "tx"; every: number };
type ConsumeSide = { kind: "auto" } | { kind: "ack"; every: number } | { kind: "tx"; every: number };

function sidesOf(mode: AckModeName, batch: number): { publish: PublishSide; consume: ConsumeSide } {
  const ackEach: ConsumeSide = { kind: "ack", every: 1 };
  switch (mode) {
    case "auto-ack":
      return { publish: { kind: "plain" }, consume: { kind: "auto" } };
    case "manual-ack":
      return { publish: { kind: "plain" }, consume: ackEach };
    case "batch-ack":
      return { publish: { kind: "plain" }, consume: { kind: "ack", every: batch } };
    case "tx-per-message":
      return { publish: { kind: "tx", every: 1 }, consume: { kind: "tx", every: 1 } };
    case "tx-batch":
      return { publish: { kind: "tx", every: batch }, consume: { kind: "tx", every: batch } };
    case "confirm-per-message":
      return { publish: { kind: "confirm", every: 1 }, consume: ackEach };
    case "confirm-batch":
      return { publish: { kind: "confirm", every: batch }, consume: ackEach };
    case "confirm-async":
      return { publish: { kind: "confirm", every: "async" }, consume: ackEach };
  }
}

/** What each side of a mode does, in words, for tables and charts. */
export function describeAckMode(mode: AckModeName, options: { batchSize?: number; confirmWindow?: number } = {}): { publisher: string; consumer: string } {
  const batch = options.batchSize ?? DEFAULTS.batchSize;
  const { publish, consume } = sidesOf(mode, batch);
  const publisher =
    publish.kind === "plain"
      ? "publish, no confirms"
      : publish.kind === "tx"
        ? publish.every === 1
          ? "tx.commit each publish"
          : `tx.commit every ${publish.every}`
        : publish.every === "async"
          ? `confirm callbacks, ≤ ${options.confirmWindow ?? DEFAULTS.confirmWindow} in flight`
          : publish.every === 1
            ? "wait for each confirm"
            : `waitForConfirms every ${publish.every}`;
  const consumer =
    consume.kind === "auto"
      ? "auto-ack (noAck)"
      : consume.kind === "ack"
        ? consume.every === 1
          ? "ack each message"
          : `ack multiple every ${consume.every}`
        : consume.every === 1
          ? "ack + tx.commit each"
          : `tx.commit every ${consume.every} acks`;
  return { publisher, consumer };
}

export interface AckModesOptions extends ExperimentTarget {
  /** Which modes to run (default: all, in `ACK_MODES` order). */
  modes?: readonly AckModeName[];
  /** Messages per mode in the throughput run. */
  messages?: number;
  /** Messages per mode in the crash run (0 skips it). */
  crashMessages?: number;
  /** Consumers sharing the queue, each on its own connection, as separate processes would be. */
  consumers?: number;
  /** Unacknowledged messages a consumer may hold (basic.qos); not used by auto-ack. */
  prefetch?: number;
  /** N of the batched modes: acks, commits and confirms every N messages. */
  batchSize?: number;
  /** Asynchronous confirms: publishes awaiting their confirm at most. */
  confirmWindow?: number;
  /** Body size in bytes (at least 8: sequence number and checksum). */
  size?: number;
  /** Messages of an unreported first run that warms up the JIT and the broker (0: none). */
  warmup?: number;
  /** Crash run: how long nothing may move before the survivors are considered done. */
  quietMs?: number;
  /** A phase fails when nothing moves for this long. */
  stallMs?: number;
  onProgress?: ProgressListener;
  sampleEveryMs?: number;
}

const DEFAULTS = {
  messages: 5000,
  crashMessages: 1000,
  consumers: 3,
  prefetch: 100,
  batchSize: 50,
  confirmWindow: 1000,
  size: 256,
  warmup: 1000,
  quietMs: 250,
  stallMs: 20_000,
  sampleEveryMs: 250,
};

export type AckModesSettings = Omit<Required<AckModesOptions>, keyof ExperimentTarget | "onProgress" | "modes">;

/** Messages lost or processed twice when one consumer crashes half-way through its share. */
export interface CrashResult {
  /** Messages in the queue before the consumers started. */
  messages: number;
  consumers: number;
  /** The crashing consumer died after processing this many messages, before settling the last one (null: it never got that far). */
  crashedAfter: number | null;
  /** Deliveries that reached the crashing consumer, processed or not (auto-ack: its share of the backlog). */
  crashedConsumerReceived: number;
  /** Distinct messages processed intact by some consumer. */
  processed: number;
  /** Messages nobody processed: the broker had handed them to the dead consumer as already acknowledged. */
  lost: number;
  /** Extra processings: messages handled before the crash whose ack never reached the broker, delivered again. */
  duplicated: number;
  /** Bodies whose checksum did not match. */
  corrupted: number;
  /** processed / messages. */
  successRate: number;
}

export interface AckModeResult {
  mode: AckModeName;
  publisher: string;
  consumer: string;
  /** Messages the broker accepted (confirmed, committed, or written for a plain publisher). */
  sent: number;
  /** Deliveries processed by the consumers. */
  received: number;
  /** sent per second of publishing (until the last confirm or commit). */
  sendRate: number;
  /** received per second, from the first publish to the last settlement. */
  receiveRate: number;
  /** From publish to settlement: ack written, commit confirmed, or delivery for auto-ack. */
  latency: LatencySummary;
  /** Distinct messages processed intact / messages published. */
  successRate: number;
  corrupted: number;
  duplicated: number;
  crash: CrashResult | null;
}

export interface AckModesReport {
  experiment: "ack-modes";
  run: RunInfo;
  settings: AckModesSettings;
  results: AckModeResult[];
}

/** Runs every requested acknowledgement mode and reports throughput, latency, success and crash losses. */
export async function runAckModes(options: AckModesOptions = {}): Promise<AckModesReport> {
  const settings: AckModesSettings = {
    messages: options.messages ?? DEFAULTS.messages,
    crashMessages: options.crashMessages ?? DEFAULTS.crashMessages,
    consumers: Math.max(1, options.consumers ?? DEFAULTS.consumers),
    prefetch: options.prefetch ?? DEFAULTS.prefetch,
    batchSize: Math.max(1, options.batchSize ?? DEFAULTS.batchSize),
    confirmWindow: Math.max(1, options.confirmWindow ?? DEFAULTS.confirmWindow),
    size: options.size ?? DEFAULTS.size,
    warmup: options.warmup ?? DEFAULTS.warmup,
    quietMs: options.quietMs ?? DEFAULTS.quietMs,
    stallMs: options.stallMs ?? DEFAULTS.stallMs,
    sampleEveryMs: options.sampleEveryMs ?? DEFAULTS.sampleEveryMs,
  };
  if (settings.prefetch > 0 && settings.prefetch < settings.batchSize) {
    throw new Error(
      `prefetch ${settings.prefetch} is smaller than batchSize ${settings.batchSize}: a consumer acking every ${settings.batchSize} messages would wait forever for messages the broker will not send. Use prefetch ≥ batchSize.`,
    );
  }
  const modes = options.modes ?? ACK_MODES;
  const started = new Date();
  const control = await openConnection(options);
  try {
    const run = runInfo(control, options, started);
    const meter = new ProgressMeter(modes.length * (settings.messages + settings.crashMessages), options.onProgress, settings.sampleEveryMs);
    if (settings.warmup > 0) {
      // Every mode's code path gets warm (JIT, connections) before any is measured: otherwise
      // whichever runs first pays for it, which on the in-memory broker swamps the figures.
      const each = Math.max(1, Math.ceil(settings.warmup / modes.length));
      for (const mode of modes) {
        await throughputRun(mode, control, options, { ...settings, messages: each }, new ProgressMeter(each, undefined, settings.sampleEveryMs));
      }
    }
    const results: AckModeResult[] = [];
    for (const mode of modes) {
      const result = await throughputRun(mode, control, options, settings, meter);
      const crash = settings.crashMessages > 0 ? await crashRun(mode, control, options, settings, meter) : null;
      results.push({ ...result, crash });
    }
    return { experiment: "ack-modes", run, settings, results };
  } finally {
    await control.close().catch(() => undefined);
  }
}

interface ConsumerHooks {
  /** A delivery is processed: returns its sequence number (-1 when damaged). */
  process(body: Buffer): number;
  /** The broker now knows these messages are done with. */
  settled(seqs: readonly number[]): void;
}

/** One consumer, on its own connection, processing one message at a time. */
class Consumer {
  crashed = false;
  private readonly inbox: ConsumeMessage[] = [];
  private inboxHead = 0;
  private draining: Promise<void> = Promise.resolve();
  private running = false;
  private pending: number[] = [];
  private lastUnacked: ConsumeMessage | undefined;
  private processedHere = 0;
  /** Deliveries that reached this consumer's connection, before or after a crash. */
  deliveries = 0;
  private consumerTag = "";

  private constructor(
    readonly conn: BrokerConnection,
    private readonly channel: Channel,
    private readonly side: ConsumeSide,
    private readonly hooks: ConsumerHooks,
    private readonly crashAt: number | undefined,
    private readonly guard: PhaseGuard,
  ) {}

  /** Opens the connection and channel; `subscribe` starts the deliveries. */
  static async open(target: ExperimentTarget, side: ConsumeSide, prefetch: number, hooks: ConsumerHooks, guard: PhaseGuard, crashAt?: number): Promise<Consumer> {
    const consumer: { current?: Consumer } = {};
    const conn = await openConnection(target, (err) => {
      if (!consumer.current?.crashed) guard.lost(err);
    });
    const channel = await conn.createChannel();
    channel.on("error", () => undefined);
    if (side.kind !== "auto" && prefetch > 0) await channel.prefetch(prefetch);
    if (side.kind === "tx") await txSelect(channel);
    consumer.current = new Consumer(conn, channel, side, hooks, crashAt, guard);
    return consumer.current;
  }

  async subscribe(queue: string): Promise<void> {
    const ok = await this.channel.consume(queue, (msg) => msg && this.deliver(msg), { noAck: this.side.kind === "auto" });
    this.consumerTag = ok.consumerTag;
  }

  /** Processed by this consumer, and whether it still holds messages it has not settled. */
  get processed(): number {
    return this.processedHere;
  }
  get busy(): boolean {
    return this.running || this.pending.length > 0;
  }

  private deliver(msg: ConsumeMessage): void {
    this.deliveries++;
    if (this.crashed) return; // the process is dead: whatever still arrives is never handled
    this.inbox.push(msg);
    if (!this.running) this.draining = this.drain().catch((err: unknown) => this.guard.fail(err));
  }

  /** Processes the inbox in order; runs synchronously unless a commit has to be awaited. */
  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (!this.crashed && this.inboxHead < this.inbox.length) {
        const msg = this.inbox[this.inboxHead++]!;
        const settling = this.handle(msg);
        if (settling) await settling;
      }
    } finally {
      this.inbox.length = 0;
      this.inboxHead = 0;
      this.running = false;
    }
  }

  private handle(msg: ConsumeMessage): Promise<void> | undefined {
    const seq = this.hooks.process(msg.content);
    this.processedHere++;
    if (this.processedHere === this.crashAt) {
      // The work is done, the process dies before it can acknowledge it.
      void this.crash();
      return undefined;
    }
    const side = this.side;
    if (side.kind === "auto") {
      this.hooks.settled([seq]);
      return undefined;
    }
    this.pending.push(seq);
    if (side.kind === "ack") {
      this.lastUnacked = msg;
      if (this.pending.length >= side.every) this.ackPending();
      return undefined;
    }
    this.channel.ack(msg);
    return this.pending.length >= side.every ? this.commitPending() : undefined;
  }

  private ackPending(): void {
    if (!this.lastUnacked) return;
    this.channel.ack(this.lastUnacked, this.pending.length > 1);
    this.lastUnacked = undefined;
    this.hooks.settled(this.pending.splice(0));
  }

  private async commitPending(): Promise<void> {
    const seqs = this.pending.splice(0);
    await txCommit(this.channel);
    this.hooks.settled(seqs);
  }

  /** Settles a partial batch (the end of the run, or the queue went quiet). */
  async flush(): Promise<void> {
    await this.draining;
    if (this.crashed || this.pending.length === 0) return;
    if (this.side.kind === "ack") this.ackPending();
    else if (this.side.kind === "tx") await this.commitPending();
  }

  /**
   * Dies: nothing more is processed, nothing unsettled is settled, and the broker sees the
   * connection go. Acks already handed to amqplib are let out first: amqplib writes a
   * connection.close ahead of acks still waiting in a channel's buffer, and RabbitMQ ignores
   * frames that follow a close, so closing at once would also undo acks "sent" before the crash.
   */
  async crash(): Promise<void> {
    this.crashed = true;
    this.inbox.length = 0;
    this.inboxHead = 0;
    this.pending = [];
    await sleep(5);
    await this.conn.close().catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.crashed) return;
    await this.channel.cancel(this.consumerTag).catch(() => undefined);
    await this.flush().catch(() => undefined);
    await this.conn.close().catch(() => undefined);
  }
}

interface PublishOutcome {
  accepted: number;
  rejected: number;
}

/** Publishes messages 0..n-1 the way the side says; `sentAt[seq]` gets each publish time. */
async function publishAll(conn: BrokerConnection, queue: string, side: PublishSide, n: number, size: number, window: number, sentAt: Float64Array | null, meter: ProgressMeter): Promise<PublishOutcome> {
  const outcome = { accepted: 0, rejected: 0 };
  if (side.kind === "confirm") {
    const channel: ConfirmChannel = await conn.createConfirmChannel();
    let inFlight = 0;
    let slot = deferred<void>();
    const confirmed = (err: unknown) => {
      if (err) outcome.rejected++;
      else outcome.accepted++;
      inFlight--;
      slot.resolve();
    };
    for (let seq = 0; seq < n; seq++) {
      if (side.every === "async") {
        while (inFlight >= window) {
          slot = deferred<void>();
          await slot.promise;
        }
      }
      if (sentAt) sentAt[seq] = performance.now();
      inFlight++;
      if (side.every === 1) {
        await new Promise<void>((resolve) => void send(channel, queue, makeBody(seq, size), {}, (err) => (confirmed(err), resolve())));
      } else {
        await send(channel, queue, makeBody(seq, size), {}, confirmed);
        if (side.every !== "async" && ((seq + 1) % side.every === 0 || seq === n - 1)) await channel.waitForConfirms().catch(() => undefined);
      }
      meter.sent++;
    }
    await channel.waitForConfirms().catch(() => undefined); // a nack rejects it; the callbacks counted it
    await channel.close();
    return outcome;
  }
  const channel = await conn.createChannel();
  if (side.kind === "tx") await txSelect(channel);
  for (let seq = 0; seq < n; seq++) {
    if (sentAt) sentAt[seq] = performance.now();
    await send(channel, queue, makeBody(seq, size));
    meter.sent++;
    if (side.kind === "tx" && ((seq + 1) % side.every === 0 || seq === n - 1)) await txCommit(channel);
  }
  await channel.close(); // after the close-ok the broker has every publish that came before
  outcome.accepted = n;
  return outcome;
}

type ThroughputResult = Omit<AckModeResult, "crash">;

async function throughputRun(mode: AckModeName, control: BrokerConnection, target: ExperimentTarget, s: AckModesSettings, meter: ProgressMeter): Promise<ThroughputResult> {
  const { publish, consume } = sidesOf(mode, s.batchSize);
  const phase = `${mode}: throughput`;
  const guard = new PhaseGuard(phase, s.stallMs);
  const admin = await control.createChannel();
  const queue = runQueueName("ack-modes", mode);
  await admin.assertQueue(queue, { durable: false, autoDelete: false });
  const ledger = new DeliveryLedger(s.messages);
  const sentAt = new Float64Array(s.messages);
  const latency = new LatencyRecorder();
  let processed = 0;
  let expected = s.messages;
  let publishing = true;
  const allProcessed = deferred<void>();
  const check = () => {
    if (!publishing && processed >= expected) allProcessed.resolve();
  };
  const hooks: ConsumerHooks = {
    process: (body) => {
      processed++;
      meter.received++;
      const seq = ledger.record(body);
      check();
      return seq;
    },
    settled: (seqs) => {
      const now = performance.now();
      for (const seq of seqs) if (seq >= 0) latency.record(now - sentAt[seq]!);
    },
  };
  const consumers: Consumer[] = [];
  const publisher = await openConnection(target, guard.lost);
  try {
    for (let i = 0; i < s.consumers; i++) consumers.push(await Consumer.open(target, consume, s.prefetch, hooks, guard));
    await Promise.all(consumers.map((c) => c.subscribe(queue)));
    await meter.begin(phase, s.messages, control, queue);
    const start = performance.now();
    const outcome = await guard.run(
      publishAll(publisher, queue, publish, s.messages, s.size, s.confirmWindow, sentAt, meter),
      () => meter.sent,
      () => `the broker to take message ${meter.sent + 1} of ${s.messages}`,
    );
    const published = performance.now();
    publishing = false;
    expected = outcome.accepted;
    check();
    await guard.run(allProcessed.promise, () => processed, () => `${expected - processed} of ${expected} messages to arrive`);
    await guard.run(Promise.all(consumers.map((c) => c.flush())), () => 0, () => "the last acks and commits");
    const finished = performance.now();
    await meter.end();
    const sides = describeAckMode(mode, s);
    return {
      mode,
      ...sides,
      sent: outcome.accepted,
      received: processed,
      sendRate: rate(outcome.accepted, published - start),
      receiveRate: rate(processed, finished - start),
      latency: latency.summary(),
      successRate: s.messages > 0 ? ledger.unique / s.messages : 1,
      corrupted: ledger.corrupted,
      duplicated: ledger.duplicated,
    };
  } finally {
    guard.stop();
    for (const c of consumers) await c.stop();
    await publisher.close().catch(() => undefined);
    await admin.deleteQueue(queue).catch(() => undefined);
    await admin.close().catch(() => undefined);
  }
}

/** The crashing consumer dies half-way through its share of the messages. */
export function crashPoint(messages: number, consumers: number): number {
  return Math.max(1, Math.floor(messages / consumers / 2));
}

async function crashRun(mode: AckModeName, control: BrokerConnection, target: ExperimentTarget, s: AckModesSettings, meter: ProgressMeter): Promise<CrashResult> {
  const { consume } = sidesOf(mode, s.batchSize);
  const phase = `${mode}: consumer crash`;
  const guard = new PhaseGuard(phase, s.stallMs);
  const admin = await control.createChannel();
  const queue = runQueueName("ack-crash", mode);
  await admin.assertQueue(queue, { durable: false, autoDelete: false });
  const n = s.crashMessages;
  const ledger = new DeliveryLedger(n);
  let processed = 0;
  const hooks: ConsumerHooks = {
    process: (body) => {
      processed++;
      meter.received++;
      return ledger.record(body);
    },
    settled: () => undefined,
  };
  const consumers: Consumer[] = [];
  const publisher = await openConnection(target, guard.lost);
  const crashAt = crashPoint(n, s.consumers);
  try {
    await meter.begin(phase, n, control, queue);
    // The queue is filled first, with confirms, so every message is known to be in it.
    await guard.run(publishAll(publisher, queue, { kind: "confirm", every: "async" }, n, s.size, s.confirmWindow, null, meter), () => meter.sent, () => "the broker to confirm the messages");
    for (let i = 0; i < s.consumers; i++) consumers.push(await Consumer.open(target, consume, s.prefetch, hooks, guard, i === 0 ? crashAt : undefined));
    // The crashing consumer starts alone and the others once it has died: which consumer a
    // broker hands a backlog to first is the broker's choice (RabbitMQ may give all of it to
    // another), and the crash must happen where the report says it did.
    const [crashing, ...survivors] = consumers as [Consumer, ...Consumer[]];
    await crashing.subscribe(queue);
    await guard.run(untilCrashed(crashing), () => processed, () => "the first consumer to reach its crash point");
    await Promise.all(survivors.map((c) => c.subscribe(queue)));
    await guard.run(untilQuiet(consumers, admin, queue, s.quietMs, () => processed), () => processed, () => "the surviving consumers to empty the queue");
    await meter.end();
    const crashed = consumers[0]!.crashed;
    return {
      messages: n,
      consumers: s.consumers,
      crashedAfter: crashed ? crashAt : null,
      crashedConsumerReceived: consumers[0]!.deliveries,
      processed: ledger.unique,
      lost: ledger.lost,
      duplicated: ledger.duplicated,
      corrupted: ledger.corrupted,
      successRate: n > 0 ? ledger.unique / n : 1,
    };
  } finally {
    guard.stop();
    for (const c of consumers) await c.stop();
    await publisher.close().catch(() => undefined);
    await admin.deleteQueue(queue).catch(() => undefined);
    await admin.close().catch(() => undefined);
  }
}

async function untilCrashed(consumer: Consumer): Promise<void> {
  while (!consumer.crashed) await sleep(2);
}

/**
 * Resolves once the queue is empty, no surviving consumer holds anything and nothing was
 * processed for `quietMs`: after a crash nobody can know in advance how many messages are left.
 */
async function untilQuiet(consumers: readonly Consumer[], admin: Channel, queue: string, quietMs: number, progress: () => number): Promise<void> {
  let last = progress();
  let lastChange = performance.now();
  for (;;) {
    await sleep(Math.min(25, quietMs / 4));
    const now = progress();
    if (now !== last) {
      last = now;
      lastChange = performance.now();
      continue;
    }
    const survivors = consumers.filter((c) => !c.crashed);
    await Promise.all(survivors.map((c) => c.flush())); // partial batches would wait forever otherwise
    if (performance.now() - lastChange < quietMs || survivors.some((c) => c.busy)) continue;
    if ((await admin.checkQueue(queue)).messageCount === 0 && progress() === last) return;
  }
}

/** Request/response over TCP with Nagle's algorithm on (`noDelay: false`) and off. */
export interface NagleRow {
  pattern: "publish + wait for confirm" | "publish + tx.commit";
  noDelay: boolean;
  /** Round trips per second. */
  rate: number;
  latency: LatencySummary;
}

export interface NagleReport {
  experiment: "nagle";
  run: RunInfo;
  messages: number;
  rows: NagleRow[];
}

/**
 * Times `messages` round trips of each request/response pattern on a connection with
 * `noDelay` true and one with it false. In memory mode there is no socket, so both rows measure
 * the same thing; the lesson shows recorded figures instead.
 */
export async function compareNagle(options: ExperimentTarget & { messages?: number; size?: number } = {}): Promise<NagleReport> {
  const messages = options.messages ?? 50;
  const size = options.size ?? DEFAULTS.size;
  const started = new Date();
  const rows: NagleRow[] = [];
  let run: RunInfo | undefined;
  for (const noDelay of [true, false]) {
    const conn = await openConnection({ ...options, socketOptions: { ...options.socketOptions, noDelay } });
    run ??= runInfo(conn, options, started);
    try {
      const admin = await conn.createChannel();
      const { queue } = await admin.assertQueue("", { exclusive: true });
      for (const pattern of ["publish + wait for confirm", "publish + tx.commit"] as const) {
        const latency = new LatencyRecorder();
        const channel = pattern === "publish + tx.commit" ? await conn.createChannel() : await conn.createConfirmChannel();
        if (pattern === "publish + tx.commit") await txSelect(channel);
        const start = performance.now();
        for (let seq = 0; seq < messages; seq++) {
          const t = performance.now();
          if (pattern === "publish + tx.commit") {
            await send(channel, queue, makeBody(seq, size));
            await txCommit(channel);
          } else {
            await new Promise<void>((resolve, reject) => void send(channel, queue, makeBody(seq, size), {}, (err) => (err ? reject(err) : resolve())));
          }
          latency.record(performance.now() - t);
        }
        rows.push({ pattern, noDelay, rate: rate(messages, performance.now() - start), latency: latency.summary() });
        await channel.close();
      }
      await admin.purgeQueue(queue);
    } finally {
      await conn.close().catch(() => undefined);
    }
  }
  rows.sort((a, b) => a.pattern.localeCompare(b.pattern) || Number(b.noDelay) - Number(a.noDelay));
  return { experiment: "nagle", run: run!, messages, rows };
}
