// Lesson 03 (QoS / prefetch and back-pressure): exercises and self-test questions.
import type { Channel } from "../amqp";
import { runWorkers } from "../lessons/backpressure";
import { bodies, sleep, takeAll, waitUntil } from "../lessons/kit";
import { CaseFailed, defineExercise } from "./exercise";
import { selfTest } from "./self-test";

/** The work a worker does for one message. */
export type Work = (body: string) => Promise<void>;

export const fairWorker = defineExercise<(ch: Channel, queue: string, work: Work) => Promise<void>>({
  id: "03.1",
  title: "A worker that takes only what it can handle",
  hint:
    "Before consuming, limit how many unacknowledged messages the broker may push to this channel: await ch.prefetch(1). Then consume with manual acks and ack each message after `await work(body)`; the broker sends the next one when the ack arrives.",
  solutionSource: `async function startWorker(ch: Channel, queue: string, work: lesson03.Work) {
  await ch.prefetch(1);
  await ch.consume(queue, async (msg) => {
    if (!msg) return;
    await work(msg.content.toString());
    ch.ack(msg);
  });
}`,
  reference: async (ch, queue, work) => {
    await ch.prefetch(1);
    await ch.consume(queue, async (msg) => {
      if (!msg) return;
      await work(msg.content.toString());
      ch.ack(msg);
    });
  },
  stub: async (ch, queue, work) => {
    await ch.consume(queue, async (msg) => {
      if (!msg) return;
      await work(msg.content.toString());
      ch.ack(msg);
    });
  },
  async cases(start, ctx) {
    const admin = await ctx.channel();
    const queue = ctx.name("jobs");
    ctx.cleanup((c) => c.deleteQueue(queue));
    await admin.assertQueue(queue, { durable: false });
    const total = 30;
    const done = { fast: [] as string[], slow: [] as string[] };
    const worker = (name: "fast" | "slow", ms: number) => async (body: string) => {
      await sleep(ms);
      done[name].push(body);
    };
    const fastCh = await ctx.channel();
    const slowCh = await ctx.channel();
    await start(fastCh, queue, worker("fast", 2));
    await start(slowCh, queue, worker("slow", 25));
    for (let i = 1; i <= total; i++) admin.sendToQueue(queue, Buffer.from(`job ${i}`));
    const finished = await waitUntil(() => done.fast.length + done.slow.length >= total, 3000);
    await sleep(20); // the last acks
    await fastCh.close().catch(() => undefined);
    await slowCh.close().catch(() => undefined);
    const processed = done.fast.length + done.slow.length;
    if (!finished) {
      throw new CaseFailed("30 jobs for a fast and a slow worker", "all 30 jobs processed within 3 s", `only ${processed} were processed, then the workers got nothing more: with a prefetch limit a worker that does not ack stops receiving`);
    }
    if (done.fast.length < 20) {
      throw new CaseFailed("30 jobs for a fast and a slow worker", "the fast worker (2 ms a job) to do most of the 30 jobs, at least 20", `it did ${done.fast.length} and the slow one (25 ms a job) ${done.slow.length}: without a prefetch limit the broker deals the messages out in turn, whatever each worker's speed`);
    }
    await sleep(10);
    const left = bodies(await takeAll(admin, queue));
    if (left.length > 0 || processed !== total) {
      throw new CaseFailed("30 jobs for a fast and a slow worker", "each job processed once and acknowledged", `${processed} jobs were processed and ${left.length} came back to the queue when the workers' channels closed (not acknowledged)`);
    }
  },
});

export const prefetchSizing = defineExercise<(roundTripMs: number, processingMs: number) => number>({
  id: "03.2",
  title: "Size the prefetch from round trip and processing time",
  hint:
    "While one message is processed, the ack of the previous one and the next delivery travel over the network: one round trip. To keep the consumer busy, the broker must already have sent enough messages to cover that round trip: round trip ÷ processing time, rounded up, plus the one being processed.",
  solutionSource: `function prefetchFor(roundTripMs: number, processingMs: number): number {
  return Math.ceil(roundTripMs / processingMs) + 1;
}`,
  reference: (roundTripMs, processingMs) => Math.ceil(roundTripMs / processingMs) + 1,
  stub: () => 1,
  async cases(prefetchFor, ctx) {
    const conn = await ctx.connect();
    const queue = ctx.name("work");
    ctx.cleanup((c) => c.deleteQueue(queue));
    for (const { rtt, p, messages } of [
      { rtt: 30, p: 5, messages: 30 },
      { rtt: 10, p: 10, messages: 25 },
      { rtt: 1, p: 20, messages: 12 },
    ]) {
      const name = `round trip ${rtt} ms, processing ${p} ms`;
      const prefetch = prefetchFor(rtt, p);
      if (!Number.isInteger(prefetch) || prefetch < 1) {
        throw new CaseFailed(name, "a whole number of messages, 1 or more", `prefetchFor returned ${prefetch}${prefetch === 0 ? " (0 means no limit at all)" : ""}`);
      }
      const enough = rtt / p + 1;
      if (prefetch > 3 * enough + 1) {
        throw new CaseFailed(name, `a prefetch near ${Math.ceil(enough)}`, `prefetchFor returned ${prefetch}: far more than keeps the consumer busy; the extra messages wait in this consumer's memory where no other consumer can take them`);
      }
      const run = await runWorkers(conn, queue, messages, [{ name: "worker", prefetch, processingMs: p, linkDelayMs: rtt / 2 }]);
      // Judged by how busy the worker was rather than by msg/s against the theoretical best:
      // timers overshoot on a loaded machine, which slows every prefetch alike.
      const busy = run.workers[0]!.busyMs / (run.seconds * 1000);
      if (busy < 0.7) {
        throw new CaseFailed(name, "the consumer busy at least 70 % of the time", `with prefetch ${prefetch} it was busy ${Math.round(busy * 100)} % of the time (${Math.round(run.throughput)} msg/s): it spent the rest waiting for the next message to cross the network`);
      }
    }
  },
});

export const publishAll = defineExercise<(ch: Channel, queue: string, messages: readonly string[]) => Promise<void>>({
  id: "03.3",
  title: "A publisher that waits for 'drain'",
  hint:
    "sendToQueue returns false when the channel's write buffer is full. When that happens, wait for the channel's 'drain' event before sending the next message: if (!ch.sendToQueue(...)) await new Promise((resolve) => ch.once(\"drain\", resolve)).",
  solutionSource: `async function publishAll(ch: Channel, queue: string, messages: readonly string[]) {
  for (const body of messages) {
    const roomForMore = ch.sendToQueue(queue, Buffer.from(body));
    if (!roomForMore) await new Promise((resolve) => ch.once("drain", resolve));
  }
}`,
  reference: async (ch, queue, messages) => {
    for (const body of messages) {
      if (!ch.sendToQueue(queue, Buffer.from(body))) await new Promise((resolve) => ch.once("drain", resolve));
    }
  },
  stub: async (ch, queue, messages) => {
    for (const body of messages) ch.sendToQueue(queue, Buffer.from(body));
  },
  async cases(publish, ctx) {
    const admin = await ctx.channel();
    const queue = ctx.name("events");
    ctx.cleanup((c) => c.deleteQueue(queue));
    await admin.assertQueue(queue, { durable: false });
    const ch = await ctx.channel();
    const narrow = narrowBuffer(ch, 40);
    const messages = Array.from({ length: 300 }, (_, i) => `event ${i + 1}`);
    const name = "300 messages through a buffer that fills every 40 messages";
    const finished = await Promise.race([publish(narrow.channel, queue, messages).then(() => true), sleep(5000).then(() => false)]);
    if (!finished) throw new CaseFailed(name, "publishAll to finish", "it was still running after 5 s: is it waiting for a 'drain' that already came?");
    if (narrow.whileFull() > 0) {
      throw new CaseFailed(name, "no message sent while the buffer is full (after a send returned false, before 'drain')", `${narrow.whileFull()} messages were sent while it was full: a publisher that ignores false fills the process's memory when the broker cannot keep up`);
    }
    await waitUntil(async () => (await admin.checkQueue(queue)).messageCount >= messages.length, 2000);
    const got = bodies(await takeAll(admin, queue));
    if (got.join("\n") !== messages.join("\n")) {
      throw new CaseFailed(name, "all 300 messages in the queue, in order", `the queue holds ${got.length} messages${got.length === messages.length ? " in another order" : ""}`);
    }
  },
});

/**
 * The channel as publishAll sees it: sendToQueue and publish return false every `every` sends,
 * as amqplib does when the channel's write buffer is full, and 'drain' follows 3 ms later.
 * Messages still go to the broker; the wrapper only counts sends made while "full".
 */
function narrowBuffer(ch: Channel, every: number): { channel: Channel; whileFull: () => number } {
  let sent = 0;
  let full = false;
  let violations = 0;
  const send = (real: () => boolean) => {
    if (full) violations++;
    real();
    if (++sent % every !== 0) return !full;
    full = true;
    setTimeout(() => {
      full = false;
      ch.emit("drain");
    }, 3);
    return false;
  };
  const channel = new Proxy(ch, {
    get(target, prop) {
      if (prop === "sendToQueue") return (...args: Parameters<Channel["sendToQueue"]>) => send(() => target.sendToQueue(...args));
      if (prop === "publish") return (...args: Parameters<Channel["publish"]>) => send(() => target.publish(...args));
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { channel, whileFull: () => violations };
}

export const questions = selfTest([
  {
    question: "A consumer has no prefetch limit and takes 10 ms per message; 100 messages arrive. Where are they a moment later?",
    answer: "Almost all in the consumer's memory, delivered and unacknowledged; the queue shows 0 ready. A second consumer that starts now gets nothing, and if this one crashes they all go back to the queue.",
  },
  {
    question: "Two consumers, one fast and one slow, share a queue without prefetch. How are the messages split, and why does prefetch 1 change that?",
    answer: "Without prefetch the broker deals them out in turn (round robin): half each, so the slow consumer sets the pace. With prefetch 1 a consumer gets its next message only after acking the last one, so each gets work in proportion to its speed (fair dispatch).",
  },
  {
    question: "Why does throughput stop growing beyond a certain prefetch, and what grows instead?",
    answer: "Once enough messages are in flight to cover the round trip, the consumer is never idle: it is processing as fast as it can. A bigger window only adds messages waiting inside the consumer, so the time a message waits there (and the memory it takes) grows.",
  },
  {
    question: "The round trip to the broker is 20 ms and a message takes 4 ms to process. Which prefetch keeps the consumer busy?",
    answer: "About 20 ÷ 4 = 5 messages to cover the round trip, plus the one being processed: 6. A little more is harmless; much more only hoards messages.",
  },
  {
    question: "What does it mean when channel.publish() returns false, and what should the publisher do?",
    answer: "The channel's write buffer in the client is full: the message is still queued to be sent, but the socket (or broker) is not keeping up. The publisher should stop and wait for the channel's 'drain' event before publishing more; otherwise its memory grows without bound.",
  },
]);
