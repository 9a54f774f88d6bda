// Differential conformance harness: a scenario drives the shared client interface and writes
// a trace of what the broker did. The same scenario runs against RabbitMQ (to record or check
// the golden trace) and against the in-memory broker (checked against that golden).
import { randomBytes } from "node:crypto";
import type { EventEmitter } from "node:events";
import type { BrokerConnection, Channel, ConfirmChannel, Message } from "../../src/amqp";
import { connect } from "../../src/connect";
import { MemoryBroker } from "../../src/memory/broker";
import { restartBroker } from "../../src/restart";

export type TraceEntry = [event: string, data?: unknown];

export interface Scenario {
  /** Kebab-case, says what the scenario proves; also the golden file's name. */
  name: string;
  run(t: ScenarioContext): Promise<void>;
  /** Scenarios that restart the broker run alone and may take longer. */
  restarts?: boolean;
  timeoutMs?: number;
}

export interface Target {
  kind: "memory" | "live";
  url?: string;
}

export interface MessageSummary {
  body: string;
  fields: Record<string, unknown>;
  properties: Record<string, unknown>;
}

export interface Collector {
  readonly messages: Message[];
  /** Pass as the consume callback: records every delivery (and the `null` of a server cancel). */
  readonly onMessage: (msg: Message | null) => void;
  /** Resolves once `n` deliveries (counting `null`) arrived; fails the scenario after the timeout. */
  until(n: number, timeoutMs?: number): Promise<void>;
}

export class ScenarioContext {
  readonly trace: TraceEntry[] = [];
  private readonly runId = `cf.${randomBytes(4).toString("hex")}`;
  private readonly connections: BrokerConnection[] = [];
  private readonly cleanups: ((ch: Channel) => Promise<unknown>)[] = [];
  private readonly broker?: MemoryBroker;
  private finished = false;

  constructor(readonly target: Target) {
    if (target.kind === "memory") this.broker = new MemoryBroker();
  }

  /** A resource name unique to this run; the trace shows it as `<run>.label`. */
  name(label: string): string {
    return `${this.runId}.${label}`;
  }

  /** A queue name for this run; the queue is deleted at the end of the scenario. */
  queueName(label: string): string {
    const name = this.name(label);
    this.cleanup((ch) => ch.deleteQueue(name));
    return name;
  }

  /** An exchange name for this run; the exchange is deleted at the end of the scenario. */
  exchangeName(label: string): string {
    const name = this.name(label);
    this.cleanup((ch) => ch.deleteExchange(name));
    return name;
  }

  /**
   * A connection closed for you at the end of the scenario. With a label, its `error` and
   * `close` events go into the trace.
   */
  async connect(label?: string): Promise<BrokerConnection> {
    // Never connect(undefined): that would fall back to AMQP_URL and test the live broker twice.
    const conn = this.broker ? await this.broker.connect() : await connect(this.target.url);
    this.connections.push(conn);
    if (label) this.watch(conn, label, ["error", "close", "blocked", "unblocked"]);
    else conn.on("error", () => undefined);
    return conn;
  }

  /** A channel whose events (error, close, return, drain) go into the trace under `label`. */
  async channel(conn: BrokerConnection, label: string): Promise<Channel> {
    const ch = await conn.createChannel();
    this.watch(ch, label);
    return ch;
  }

  /** A confirm channel whose events go into the trace under `label`. */
  async confirmChannel(conn: BrokerConnection, label: string): Promise<ConfirmChannel> {
    const ch = await conn.createConfirmChannel();
    this.watch(ch, label);
    return ch;
  }

  /** Appends an entry to the trace. Only record what RabbitMQ makes deterministic. */
  log(event: string, data?: unknown): void {
    if (this.finished) return;
    this.trace.push(data === undefined ? [event] : [event, this.normalize(data)]);
  }

  /**
   * Runs an operation and traces its outcome: `ok` with the (normalised) value, or `error` with
   * the code, ids and text amqplib surfaced, whether it threw synchronously or rejected.
   */
  async attempt<T>(label: string, op: () => Promise<T> | T): Promise<T | undefined> {
    try {
      const value = await op();
      this.log(`${label}: ok`, value === undefined ? null : value);
      return value;
    } catch (err) {
      this.log(`${label}: error`, describeError(err));
      return undefined;
    }
  }

  /** Traces the events an amqplib channel or connection emits (error, close, return, drain, blocked). */
  watch(emitter: EventEmitter, label: string, events = ["error", "close", "return", "drain"]): void {
    for (const event of events) {
      emitter.on(event, (arg?: unknown) => {
        if (event === "return") this.log(`${label} return`, summarize(arg as Message));
        else if (arg instanceof Error) this.log(`${label} ${event}`, describeError(arg));
        else this.log(`${label} ${event}`);
      });
    }
  }

  /** A consumer callback that keeps every delivery; trace them with `t.log(..., t.summarize(m))`. */
  collector(): Collector {
    const messages: Message[] = [];
    let count = 0;
    const waiters: { n: number; resolve: () => void }[] = [];
    const onMessage = (msg: Message | null) => {
      count += 1;
      if (msg) messages.push(msg);
      for (const w of waiters.filter((w) => count >= w.n)) w.resolve();
    };
    const until = (n: number, timeoutMs = 5000) =>
      count >= n
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`expected ${n} deliveries, got ${count} after ${timeoutMs} ms`)),
              timeoutMs,
            );
            waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
          });
    return { messages, onMessage, until };
  }

  summarize(msg: Message | null | false): MessageSummary | null | false {
    return msg ? summarize(msg) : msg;
  }

  /** Waits until `cond` holds, polling; fails the scenario after the timeout. */
  async waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await cond())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(5);
    }
  }

  /** Lets time pass so that anything the broker was going to send has arrived ("nothing else came"). */
  quiet(ms = 100): Promise<void> {
    return sleep(ms);
  }

  sleep(ms: number): Promise<void> {
    return sleep(ms);
  }

  /** Registers clean-up work that runs, each on a fresh channel, even when the scenario fails. */
  cleanup(fn: (ch: Channel) => Promise<unknown>): void {
    this.cleanups.push(fn);
  }

  /** Restarts the broker: the in-memory one, or the live one through RABBITMQ_RESTART_COMMAND. */
  async restartBroker(): Promise<void> {
    await restartBroker({ url: this.target.url, broker: this.broker });
  }

  async dispose(): Promise<void> {
    this.finished = true;
    if (this.cleanups.length) {
      const admin = await this.connect();
      for (const fn of this.cleanups.reverse()) {
        const ch = await admin.createChannel();
        ch.on("error", () => undefined);
        await fn(ch).catch(() => undefined);
        await ch.close().catch(() => undefined);
      }
    }
    for (const conn of this.connections) await conn.close().catch(() => undefined);
  }

  /** Replaces what differs between runs: names, server-generated ids, times. */
  normalize(value: unknown): unknown {
    if (typeof value === "string") {
      return value
        .replace(new RegExp(this.runId.replace(".", "\\."), "g"), "<run>")
        .replace(/amq\.gen-[A-Za-z0-9_-]{22}/g, "amq.gen-<id>")
        .replace(/amq\.ctag-[A-Za-z0-9_-]{22}/g, "amq.ctag-<id>");
    }
    if (Buffer.isBuffer(value)) return { buffer: value.toString() };
    if (Array.isArray(value)) return value.map((v) => this.normalize(v));
    if (value && typeof value === "object") {
      const obj = value as Record<string, unknown>;
      if (obj["!"] === "timestamp") return "<timestamp>";
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(obj).sort()) {
        if (obj[key] !== undefined) out[key] = this.normalize(obj[key]);
      }
      return out;
    }
    return value;
  }
}

export function summarize(msg: Message): MessageSummary {
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(msg.properties)) if (value !== undefined) properties[key] = value;
  return { body: msg.content.toString(), fields: { ...msg.fields }, properties };
}

export function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { thrown: String(err) };
  const e = err as Error & { code?: unknown; classId?: unknown; methodId?: unknown };
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  if (e.code !== undefined) out.code = e.code;
  if (e.classId !== undefined) out.classId = e.classId;
  if (e.methodId !== undefined) out.methodId = e.methodId;
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs one scenario on a target and returns its normalised trace. */
export async function runScenario(scenario: Scenario, target: Target): Promise<TraceEntry[]> {
  const t = new ScenarioContext(target);
  try {
    await scenario.run(t);
  } finally {
    await t.dispose();
  }
  // Compare in the form goldens are stored in (JSON turns undefined array items into null).
  return JSON.parse(JSON.stringify(t.trace)) as TraceEntry[];
}
