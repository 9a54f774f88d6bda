// Experiments of lesson 03 (QoS / prefetch and back-pressure): consumers that take a set time
// per message, optionally behind a simulated network link, and what they measure.
import type { BrokerConnection, Channel, ConsumeMessage } from "../amqp";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WorkerSpec {
  /** A label for the results. */
  name: string;
  /** basic.qos prefetch count; 0 means no limit. */
  prefetch: number;
  /** Simulated processing time per message, in ms. */
  processingMs: number;
  /**
   * Simulated one-way network delay in ms between the broker and this consumer: a delivery
   * reaches the consumer this much later, and its ack reaches the broker this much later.
   */
  linkDelayMs?: number;
}

export interface WorkerStats {
  name: string;
  prefetch: number;
  /** Messages this consumer processed and acknowledged. */
  processed: number;
  /** The most messages this consumer held at once: delivered to it and not yet acknowledged. */
  maxHeld: number;
  /** Mean time a message waited inside this consumer before processing began, in ms. */
  meanWaitMs: number;
  /** Time this consumer spent processing, in ms: timers overshoot, so it can exceed processed × processingMs. */
  busyMs: number;
}

export interface RunStats {
  /** From the first publish until the last message was processed, in seconds. */
  seconds: number;
  /** Messages processed per second over the whole run. */
  throughput: number;
  workers: WorkerStats[];
}

/** One consumer on its own channel: prefetch, a simulated link, serial processing, ack after. */
class Worker {
  readonly stats: WorkerStats;
  private held = 0;
  private waited = 0;
  private readonly inbox: { msg: ConsumeMessage; arrived: number }[] = [];
  private busy = false;

  constructor(
    private readonly ch: Channel,
    private readonly spec: WorkerSpec,
    private readonly onDone: () => void,
  ) {
    this.stats = { name: spec.name, prefetch: spec.prefetch, processed: 0, maxHeld: 0, meanWaitMs: 0, busyMs: 0 };
  }

  async start(queue: string): Promise<void> {
    await this.ch.prefetch(this.spec.prefetch);
    await this.ch.consume(queue, (msg) => msg && this.receive(msg));
  }

  private receive(msg: ConsumeMessage): void {
    this.held++;
    this.stats.maxHeld = Math.max(this.stats.maxHeld, this.held);
    const arrive = () => {
      this.inbox.push({ msg, arrived: performance.now() });
      void this.work();
    };
    if (this.spec.linkDelayMs) setTimeout(arrive, this.spec.linkDelayMs);
    else arrive();
  }

  private async work(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    for (let next = this.inbox.shift(); next; next = this.inbox.shift()) {
      const began = performance.now();
      this.waited += began - next.arrived;
      await sleep(this.spec.processingMs);
      this.stats.busyMs += performance.now() - began;
      this.stats.processed++;
      this.stats.meanWaitMs = this.waited / this.stats.processed;
      const msg = next.msg;
      const ack = () => {
        this.held--;
        this.ch.ack(msg);
      };
      if (this.spec.linkDelayMs) setTimeout(ack, this.spec.linkDelayMs);
      else ack();
      this.onDone();
    }
    this.busy = false;
  }
}

/**
 * Starts one consumer per spec on `queue` (emptied first), publishes `messages` messages once
 * they are all listening, and resolves when every message has been processed and acknowledged.
 */
export async function runWorkers(conn: BrokerConnection, queue: string, messages: number, specs: readonly WorkerSpec[]): Promise<RunStats> {
  const setup = await conn.createChannel();
  await setup.assertQueue(queue, { durable: false });
  await setup.purgeQueue(queue);
  let processed = 0;
  let finished = () => {};
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const channels: Channel[] = [];
  const workers: Worker[] = [];
  for (const spec of specs) {
    const ch = await conn.createChannel();
    channels.push(ch);
    const worker = new Worker(ch, spec, () => ++processed === messages && finished());
    await worker.start(queue);
    workers.push(worker);
  }
  const start = performance.now();
  for (let i = 0; i < messages; i++) setup.sendToQueue(queue, Buffer.from(`message ${i + 1}`));
  await allDone;
  const seconds = (performance.now() - start) / 1000;
  // Acks behind a simulated link are still on their way: let them arrive before closing.
  await sleep(Math.max(0, ...specs.map((s) => s.linkDelayMs ?? 0)) + 1);
  for (const ch of channels) await ch.close();
  await setup.close();
  return { seconds, throughput: messages / seconds, workers: workers.map((w) => ({ ...w.stats })) };
}

export interface HeldSnapshot {
  prefetch: number;
  /** Messages delivered to the consumer and not yet acknowledged: in its memory, or on their way to it. */
  "held by the consumer": number;
  /** Messages still in the queue, available to any consumer. */
  "ready in the queue": number;
}

/**
 * Publishes `messages` messages to a slow consumer with the given prefetch and looks after
 * `afterMs`: how many the consumer holds, how many are still in the queue. Closing the
 * consumer's channel at the end puts the unacknowledged ones back.
 *
 * "Held" is counted as the broker counts it: published − acknowledged − ready. Counting the
 * deliveries the callback has seen instead races with the broker: just after an ack the next
 * delivery is still on the wire, and the consumer would seem to hold one less than its prefetch.
 */
export async function heldSnapshot(conn: BrokerConnection, queue: string, options: { prefetch: number; messages: number; processingMs: number; afterMs: number }): Promise<HeldSnapshot> {
  const setup = await conn.createConfirmChannel();
  await setup.assertQueue(queue, { durable: false });
  await setup.purgeQueue(queue);
  const ch = await conn.createChannel();
  await ch.prefetch(options.prefetch);
  let acked = 0;
  let stopped = false;
  let line = Promise.resolve(); // one message at a time, in arrival order
  await ch.consume(queue, (msg) => {
    if (!msg) return;
    line = line.then(async () => {
      if (stopped) return;
      await sleep(options.processingMs);
      if (stopped) return;
      acked++;
      ch.ack(msg);
    });
  });
  for (let i = 0; i < options.messages; i++) setup.sendToQueue(queue, Buffer.from(`message ${i + 1}`));
  await setup.waitForConfirms(); // every message is in the queue before we look
  await sleep(options.afterMs);
  stopped = true; // the consumer stops acking here: what it holds stays held
  // Asked on the consumer's own channel, so the broker has seen every ack sent before it.
  const ready = (await ch.checkQueue(queue)).messageCount;
  const snapshot = { prefetch: options.prefetch, "held by the consumer": options.messages - acked - ready, "ready in the queue": ready };
  await ch.close(); // closing the channel puts what it held back in the queue
  await setup.purgeQueue(queue);
  await setup.close();
  return snapshot;
}

/** The median time of a round trip to the broker (a passive queue declare and its reply), in ms. */
export async function measureRoundTrip(conn: BrokerConnection, queue: string, samples = 20): Promise<number> {
  const ch = await conn.createChannel();
  await ch.assertQueue(queue, { durable: false });
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await ch.checkQueue(queue);
    times.push(performance.now() - start);
  }
  await ch.close();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
