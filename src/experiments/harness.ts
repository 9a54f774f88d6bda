// What both experiments share: where they run, how they report progress while they run, how a
// run fails loudly instead of hanging, and the words every figure carries about its origin.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import type { SocketOptions } from "amqplib";
import type { BrokerConnection, Channel, Options } from "../amqp";
import { connect } from "../connect";
import { brokerVersion, describeBroker, isLiveConnection } from "../lab/broker-info";
import type { MemoryBroker } from "../memory/broker";

/** Which broker an experiment runs on; the same rules as `connect()`. */
export interface ExperimentTarget {
  /** A RabbitMQ's AMQP URL (default `AMQP_URL`); without one, the in-memory broker. */
  url?: string;
  /** Memory mode: the broker to use (default: the process's in-memory broker). */
  broker?: MemoryBroker;
  /** Live mode: amqplib's socket options for every connection the experiment opens (`noDelay` defaults to true). */
  socketOptions?: SocketOptions;
}

/** Where and when the figures of a run were measured. */
export interface RunInfo {
  /** "RabbitMQ 3.10.8 at amqp://guest:****@127.0.0.1:5672" or "in-memory broker". */
  source: string;
  /** True for a real RabbitMQ (network and disk included), false for the in-memory broker. */
  live: boolean;
  /** Product and version the broker announced. */
  broker: string;
  /** CPU, memory and OS of the machine that ran the client (and, locally, the broker). */
  machine: string;
  node: string;
  /** The machine's 1-minute load average when the run started: other work skews the figures. */
  load: number;
  /** ISO date and time the run started. */
  date: string;
}

/** One report while an experiment runs, every `sampleEveryMs` and at the end of each phase. */
export interface ExperimentProgress {
  /** What is running: "manual-ack: throughput", "both: recovery", ... */
  phase: string;
  /** Messages finished over the whole experiment so far, and how many it will handle in all. */
  done: number;
  total: number;
  /** Seconds since the experiment started. */
  elapsedS: number;
  /** Messages published and consumed per second since the previous report. */
  sendRate: number;
  receiveRate: number;
  /** Ready messages in the phase's queue, as the broker reports them (null between phases). */
  queueDepth: number | null;
}

export type ProgressListener = (progress: ExperimentProgress) => void;

export function machineDescription(): string {
  const cpu = cpus();
  const model = (cpu[0]?.model ?? "unknown CPU").replace(/\s+/g, " ").trim();
  return `${cpu.length} × ${model}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${platform()} ${release()}`;
}

export function runInfo(conn: BrokerConnection, target: ExperimentTarget, started: Date): RunInfo {
  return {
    source: describeBroker(conn, target.url ?? process.env.AMQP_URL),
    live: isLiveConnection(conn),
    broker: brokerVersion(conn),
    machine: machineDescription(),
    node: process.version,
    load: Math.round(loadavg()[0]! * 100) / 100,
    date: started.toISOString(),
  };
}

/** A connection for the experiment; broker-side closes are reported to `onLost` instead of thrown. */
export async function openConnection(target: ExperimentTarget, onLost?: (err: Error) => void): Promise<BrokerConnection> {
  const url = target.broker ? undefined : (target.url ?? process.env.AMQP_URL);
  const conn = await connect(url, { socketOptions: target.socketOptions, broker: target.broker });
  conn.on("error", () => undefined); // 'close' carries the same error
  conn.on("close", (err?: Error) => {
    if (err) onLost?.(err);
  });
  return conn;
}

/** A queue name no earlier or parallel run uses. */
export function runQueueName(experiment: string, part: string): string {
  return `lab.${experiment}.${part}.${randomBytes(3).toString("hex")}`;
}

/** Publishes respecting back-pressure: waits for 'drain' when amqplib's buffer is full. */
export async function send(channel: Channel, queue: string, body: Buffer, options?: Options.Publish, confirmed?: (err: unknown) => void): Promise<void> {
  const ok = confirmed ? (channel as import("../amqp").ConfirmChannel).sendToQueue(queue, body, options, confirmed) : channel.sendToQueue(queue, body, options);
  if (!ok) await once(channel, "drain");
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined); // rejections are seen where the promise is awaited
  return { promise, resolve, reject };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Guards one phase: fails it at once when a connection is closed by the broker, and when no
 * message has moved for `stallMs`, with words that say what was waited for.
 */
export class PhaseGuard {
  private readonly failed = deferred<never>();
  private stopped = false;

  constructor(
    private readonly phase: string,
    private readonly stallMs: number,
  ) {}

  /** For `openConnection`: a connection closed by the broker fails the phase. */
  readonly lost = (err: Error): void => {
    if (this.stopped) return;
    this.failed.reject(
      new Error(`${this.phase}: the broker closed a connection (${err.message}). If another program restarted the broker, run the experiment again.`),
    );
  };

  /** Fails the phase with an error raised where nobody awaits it (a consumer's commit). */
  fail(err: unknown): void {
    if (!this.stopped) this.failed.reject(err);
  }

  /** Waits for `work`, failing early on a lost connection or when `progress()` stops changing. */
  async run<T>(work: Promise<T>, progress: () => number, waitingFor: () => string): Promise<T> {
    let last = progress();
    let lastChange = performance.now();
    const watchdog = setInterval(() => {
      const now = progress();
      if (now !== last) {
        last = now;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > this.stallMs) {
        this.failed.reject(new Error(`${this.phase}: nothing moved for ${this.stallMs / 1000} s while waiting for ${waitingFor()}. Is the broker still running?`));
      }
    }, 100);
    try {
      return await Promise.race([work, this.failed.promise]);
    } finally {
      clearInterval(watchdog);
    }
  }

  stop(): void {
    this.stopped = true;
  }
}

/**
 * Counts what moves in each phase and reports it to the listener every `everyMs`, with the
 * queue's depth read from the broker on a channel of its own.
 */
export class ProgressMeter {
  private readonly started = performance.now();
  private doneBefore = 0;
  private phaseName = "";
  private phaseTotal = 0;
  private queue: string | undefined;
  private channel: Channel | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;
  private lastSampleAt = performance.now();
  private lastSent = 0;
  private lastReceived = 0;
  /** Published in this phase. */
  sent = 0;
  /** Consumed (processed) in this phase. */
  received = 0;

  constructor(
    readonly total: number,
    private readonly listener: ProgressListener | undefined,
    private readonly everyMs: number,
  ) {}

  /** Starts a phase of `messages` messages; `queue`'s depth is sampled on a channel of `conn`. */
  async begin(phase: string, messages: number, conn?: BrokerConnection, queue?: string): Promise<void> {
    this.phaseName = phase;
    this.phaseTotal = messages;
    this.sent = 0;
    this.received = 0;
    this.lastSent = 0;
    this.lastReceived = 0;
    this.lastSampleAt = performance.now();
    this.queue = queue;
    if (!this.listener) return;
    if (conn && queue) {
      this.channel = await conn.createChannel();
      this.channel.on("error", () => undefined);
      this.channel.on("close", () => (this.channel = undefined));
    }
    this.timer = setInterval(() => {
      this.sampling ??= this.sample().finally(() => (this.sampling = undefined));
    }, this.everyMs);
  }

  /** Ends the phase: one last report, then the phase's messages count as done. */
  async end(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sampling;
    if (this.listener) await this.sample();
    const channel = this.channel;
    this.channel = undefined;
    this.queue = undefined;
    await channel?.close().catch(() => undefined);
    this.doneBefore += this.phaseTotal;
    this.phaseTotal = 0;
  }

  /** Reports a step without messages (a restart, a check). */
  note(phase: string): void {
    this.phaseName = phase;
    this.listener?.(this.snapshot(null, performance.now()));
  }

  private async sample(): Promise<void> {
    let depth: number | null = null;
    if (this.channel && this.queue) {
      try {
        depth = (await this.channel.checkQueue(this.queue)).messageCount;
      } catch {
        depth = null;
      }
    }
    const now = performance.now();
    const snapshot = this.snapshot(depth, now);
    this.lastSampleAt = now;
    this.lastSent = this.sent;
    this.lastReceived = this.received;
    this.listener?.(snapshot);
  }

  private snapshot(depth: number | null, now: number): ExperimentProgress {
    const seconds = Math.max((now - this.lastSampleAt) / 1000, 1e-3);
    return {
      phase: this.phaseName,
      done: Math.min(this.doneBefore + Math.min(this.received, this.phaseTotal), this.total),
      total: this.total,
      elapsedS: (now - this.started) / 1000,
      sendRate: Math.round((this.sent - this.lastSent) / seconds),
      receiveRate: Math.round((this.received - this.lastReceived) / seconds),
      queueDepth: depth,
    };
  }
}

/** msg/s, rounded to a whole message. */
export function rate(messages: number, ms: number): number {
  return ms > 0 ? Math.round((messages * 1000) / ms) : 0;
}
