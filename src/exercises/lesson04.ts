// Lesson 04 exercises: retries and dead letters.
import type { Channel, ConsumeMessage, XDeath } from "../amqp";
import { declareRetryTopology } from "../retry/topology";
import { waitUntil } from "../retry/wait";
import { CaseFailed, defineExercise, type ExerciseContext } from "./exercise";

// ---------------------------------------------------------------------------------------------
// 04.1 Exponential back-off delays

export interface BackoffOptions {
  /** Delay before the first retry (ms). */
  baseMs: number;
  /** Each level waits this many times longer than the one before. */
  factor: number;
  /** How many delay levels (= retries). */
  levels: number;
  /** No delay longer than this (ms), when given. */
  maxMs?: number;
}

export type BackoffDelays = (options: BackoffOptions) => number[];

const backoffReference: BackoffDelays = ({ baseMs, factor, levels, maxMs = Infinity }) =>
  Array.from({ length: levels }, (_, i) => Math.min(Math.round(baseMs * factor ** i), maxMs));

const backoffCases: [string, BackoffOptions, number[]][] = [
  ["base 20 ms, doubling, 4 levels", { baseMs: 20, factor: 2, levels: 4 }, [20, 40, 80, 160]],
  ["base 100 ms, factor 3, 3 levels", { baseMs: 100, factor: 3, levels: 3 }, [100, 300, 900]],
  ["capped at 200 ms", { baseMs: 20, factor: 2, levels: 6, maxMs: 200 }, [20, 40, 80, 160, 200, 200]],
  ["no levels at all", { baseMs: 20, factor: 2, levels: 0 }, []],
  ["factor 1.5 (x-message-ttl takes whole milliseconds: round)", { baseMs: 15, factor: 1.5, levels: 3 }, [15, 23, 34]],
];

export const backoffDelays = defineExercise<BackoffDelays>({
  id: "04.1",
  title: "Exponential back-off delays",
  hint:
    "Level i (counting from 0) waits baseMs × factor^i. Round to whole milliseconds (x-message-ttl must be an integer), then apply the cap with Math.min. Array.from({ length: levels }, (_, i) => ...) builds the list.",
  solutionSource: `const exponentialDelays = ({ baseMs, factor, levels, maxMs = Infinity }) =>
  Array.from({ length: levels }, (_, i) => Math.min(Math.round(baseMs * factor ** i), maxMs));`,
  reference: backoffReference,
  stub: () => [],
  async cases(answer, ctx) {
    for (const [name, options, expected] of backoffCases) {
      const got = answer(options);
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        throw new CaseFailed(name, `[${expected.join(", ")}]`, `your function returned ${JSON.stringify(got)}`);
      }
    }
    // The delays in use: one delay queue per level, and the last level really waits that long.
    const delays = answer({ baseMs: 10, factor: 2, levels: 3 });
    const ch = await ctx.channel();
    const name = ctx.name("backoff");
    const t = await declareRetryTopology(ch, { name, delaysMs: delays, durable: false });
    ctx.cleanup(async (admin) => {
      for (const q of [t.queue, t.parkingQueue, ...t.delays.map((d) => d.queue)]) await admin.deleteQueue(q);
      for (const e of [t.exchange, t.retryExchange, t.deadLetterExchange]) await admin.deleteExchange(e);
    });
    const start = performance.now();
    ch.publish(t.retryExchange, String(delays.length), Buffer.from("late"));
    await waitUntil(async () => (await ch.checkQueue(t.queue)).messageCount === 1, { what: "the delayed message", timeoutMs: 3000 });
    const waited = performance.now() - start;
    if (waited < 40 - 2) throw new CaseFailed("the last delay queue on the broker", "the message back after about 40 ms", `it came back after ${waited.toFixed(0)} ms`);
  },
});

// ---------------------------------------------------------------------------------------------
// 04.2 Delayed retry with TTL + DLX: the declarations

export interface DelayedRetryNames {
  /** The queue consumers read; a rejected message must go to `wait`. */
  work: string;
  /** Holds a rejected message for `delayMs`, then sends it back to `work`. */
  wait: string;
}

export type DeclareDelayedRetry = (ch: Channel, names: DelayedRetryNames, delayMs: number) => Promise<void>;

const delayedRetryReference: DeclareDelayedRetry = async (ch, { work, wait }, delayMs) => {
  await ch.assertQueue(work, { durable: true, deadLetterExchange: "", deadLetterRoutingKey: wait });
  await ch.assertQueue(wait, { durable: true, messageTtl: delayMs, deadLetterExchange: "", deadLetterRoutingKey: work });
};

export const delayedRetry = defineExercise<DeclareDelayedRetry>({
  id: "04.2",
  title: "TTL + DLX delayed retry: the declarations",
  hint:
    "Two queues that dead-letter into each other through the default exchange (\"\"), each naming the other with x-dead-letter-routing-key. The work queue dead-letters what the consumer rejects (nack, requeue false); the wait queue has x-message-ttl = delayMs, so what expires there goes back to work. In amqplib: assertQueue(name, { durable: true, messageTtl, deadLetterExchange, deadLetterRoutingKey }).",
  solutionSource: `const declareDelayedRetry = async (ch, { work, wait }, delayMs) => {
  // work: a rejected message is dead-lettered to the wait queue
  await ch.assertQueue(work, { durable: true, deadLetterExchange: "", deadLetterRoutingKey: wait });
  // wait: holds it delayMs, then dead-letters it (reason expired) back to work
  await ch.assertQueue(wait, { durable: true, messageTtl: delayMs, deadLetterExchange: "", deadLetterRoutingKey: work });
};`,
  reference: delayedRetryReference,
  stub: async (ch, { work, wait }) => {
    await ch.assertQueue(work, { durable: true });
    await ch.assertQueue(wait, { durable: true });
  },
  async cases(answer, ctx) {
    const names = { work: ctx.name("work"), wait: ctx.name("wait") };
    ctx.cleanup((ch) => ch.deleteQueue(names.work));
    ctx.cleanup((ch) => ch.deleteQueue(names.wait));
    const delayMs = 150;
    await answer(await ctx.channel(), names, delayMs);
    const ch = await ctx.channel();
    ch.sendToQueue(names.work, Buffer.from("job"), { messageId: "job-1" });
    const first = await getOne(ch, names.work, "the published message in the work queue");
    ch.nack(first, false, false);
    const rejectedAt = performance.now();

    const held = await waitUntil(async () => (await ch.checkQueue(names.wait)).messageCount === 1, { timeoutMs: 100 }).then(() => true, () => false);
    if (!held) throw new CaseFailed("a rejected message waits in the wait queue", `the message in "${names.wait}" right after the reject`, "the wait queue stayed empty: the rejected message was dropped (does the work queue name a dead-letter exchange and routing key?)");

    const back = await getOne(ch, names.work, "the message back in the work queue", 2000);
    const waited = performance.now() - rejectedAt;
    if (waited < delayMs - 5) throw new CaseFailed("it waits delayMs", `about ${delayMs} ms in the wait queue`, `it came back after ${waited.toFixed(0)} ms`);
    const deaths = (back.properties.headers?.["x-death"] ?? []) as XDeath[];
    const summary = deaths.map((d) => `${d.queue}/${d.reason}×${d.count}`).sort().join(", ");
    const expected = [`${names.wait}/expired×1`, `${names.work}/rejected×1`].sort().join(", ");
    if (summary !== expected) throw new CaseFailed("x-death records both hops", expected, `x-death was [${summary}]`);
    ch.ack(back);
  },
});

async function getOne(ch: Channel, queue: string, what: string, timeoutMs = 1000) {
  let message: ConsumeMessage | false = false;
  await waitUntil(async () => Boolean((message = (await ch.get(queue)) as ConsumeMessage | false)), { timeoutMs }).catch(() => {
    throw new CaseFailed(`waiting for ${what}`, `a message in "${queue}" within ${timeoutMs} ms`, "the queue stayed empty");
  });
  return message as unknown as ConsumeMessage;
}

// ---------------------------------------------------------------------------------------------
// 04.3 The broker-side poison-message guard: a quorum queue's delivery limit

export interface GuardedNames {
  /** The work queue: a quorum queue with a delivery limit. */
  work: string;
  /** Where the broker parks a message past the limit. */
  parked: string;
}

export type DeclareGuardedQueue = (ch: Channel, names: GuardedNames, limit: number) => Promise<void>;

const guardedReference: DeclareGuardedQueue = async (ch, { work, parked }, limit) => {
  await ch.assertQueue(parked, { durable: true });
  await ch.assertQueue(work, {
    durable: true,
    arguments: { "x-queue-type": "quorum", "x-delivery-limit": limit },
    deadLetterExchange: "",
    deadLetterRoutingKey: parked,
  });
};

export const deliveryLimit = defineExercise<DeclareGuardedQueue>({
  id: "04.3",
  title: "Stop a hot loop with x-delivery-limit",
  hint:
    "Only quorum queues count deliveries: arguments { \"x-queue-type\": \"quorum\", \"x-delivery-limit\": limit } (and durable: true, quorum queues must be). Past the limit the broker dead-letters the message with reason delivery_limit, so also give the work queue deadLetterExchange: \"\" and deadLetterRoutingKey: the parked queue, and declare that queue.",
  solutionSource: `const declareGuardedQueue = async (ch, { work, parked }, limit) => {
  await ch.assertQueue(parked, { durable: true });
  await ch.assertQueue(work, {
    durable: true,
    arguments: { "x-queue-type": "quorum", "x-delivery-limit": limit },
    deadLetterExchange: "",
    deadLetterRoutingKey: parked,
  });
};`,
  reference: guardedReference,
  stub: async (ch, { work, parked }) => {
    await ch.assertQueue(parked, { durable: true });
    await ch.assertQueue(work, { durable: true, deadLetterExchange: "", deadLetterRoutingKey: parked });
  },
  async cases(answer, ctx) {
    for (const limit of [2, 4]) await guardCase(answer, ctx, limit);
  },
});

async function guardCase(answer: DeclareGuardedQueue, ctx: ExerciseContext, limit: number): Promise<void> {
  const names = { work: ctx.name(`work${limit}`), parked: ctx.name(`parked${limit}`) };
  ctx.cleanup((ch) => ch.deleteQueue(names.work));
  ctx.cleanup((ch) => ch.deleteQueue(names.parked));
  await answer(await ctx.channel(), names, limit);
  const ch = await ctx.channel();
  let deliveries = 0;
  const { consumerTag } = await ch.consume(names.work, (m) => {
    if (!m) return;
    deliveries++;
    ch.nack(m, false, true); // the hot loop: requeue at once, forever
  });
  ch.sendToQueue(names.work, Buffer.from("poison"), { persistent: true });
  const parked = await waitUntil(async () => (await ch.checkQueue(names.parked)).messageCount === 1, { timeoutMs: 1000 }).then(() => true, () => false);
  await ch.cancel(consumerTag);
  const name = `x-delivery-limit ${limit} with a consumer that always requeues`;
  if (!parked) throw new CaseFailed(name, `the message parked in "${names.parked}" after ${limit + 1} deliveries`, `after 1 s it had been delivered ${deliveries} times and was never parked`);
  if (deliveries !== limit + 1) throw new CaseFailed(name, `${limit + 1} deliveries (the first and ${limit} redeliveries)`, `it was delivered ${deliveries} times`);
  const message = await ch.get(names.parked, { noAck: true });
  const reason: string | undefined = message ? ((message.properties.headers?.["x-death"] ?? []) as XDeath[])[0]?.reason : undefined;
  if (reason !== "delivery_limit") throw new CaseFailed(name, "x-death reason delivery_limit", `the reason was ${String(reason)}`);
}

export const lesson04 = { backoffDelays, delayedRetry, deliveryLimit };
