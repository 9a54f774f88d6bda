// Lesson 02 (acknowledgements and durability): exercises and self-test questions.
import type { Channel, GetMessage } from "../amqp";
import { bodies, catchingEscapes, listing, sleep, takeAll, waitUntil } from "../lessons/kit";
import { CaseFailed, defineExercise, type ExerciseContext } from "./exercise";
import { selfTest } from "./self-test";

/** The work a consumer does for one message: resolves when done, rejects (throws) when it failed. */
export type Process = (body: string) => Promise<void>;

/** Starts a consumer on `queue` and resolves once it is consuming. */
export type StartConsumer = (ch: Channel, queue: string, process: Process) => Promise<void>;

/** A work queue whose rejected messages are dead-lettered to a queue of their own. */
async function workQueue(ctx: ExerciseContext, ch: Channel): Promise<{ queue: string; failed: string }> {
  const queue = ctx.name("work");
  const failed = ctx.name("failed");
  ctx.cleanup((c) => c.deleteQueue(queue));
  ctx.cleanup((c) => c.deleteQueue(failed));
  await ch.assertQueue(failed, { durable: false });
  await ch.assertQueue(queue, { durable: false, deadLetterExchange: "", deadLetterRoutingKey: failed });
  return { queue, failed };
}

/**
 * One case: a fresh consumer channel for the learner's code, a fresh work queue, one message.
 * `process` is what the learner's consumer calls; `judge` looks at the result once the message
 * has been handled and the consumer's channel is closed (closing returns what it never acked).
 */
async function consumerCase(
  ctx: ExerciseContext,
  start: StartConsumer,
  body: string,
  process: Process,
  settle: (state: { calls: () => number }) => Promise<void>,
): Promise<{ left: string[]; failed: string[]; escaped: readonly unknown[]; redelivered: boolean[] }> {
  const admin = await ctx.channel();
  const { queue, failed } = await workQueue(ctx, admin);
  const ch = await ctx.channel();
  let calls = 0;
  return catchingEscapes(async (escaped) => {
    await start(ch, queue, (b) => {
      calls++;
      return process(b);
    });
    admin.sendToQueue(queue, Buffer.from(body));
    await settle({ calls: () => calls });
    await ch.close().catch(() => undefined); // a consumer stopping (or crashing): unacked messages go back
    // Requeueing and dead-lettering take a moment on a real broker: wait until the message shows up (or not).
    const count = async (q: string) => (await admin.checkQueue(q)).messageCount;
    await waitUntil(async () => (await count(queue)) + (await count(failed)) > 0, 200);
    const left = await takeAll(admin, queue);
    return { left: bodies(left), failed: bodies(await takeAll(admin, failed)), escaped, redelivered: left.map((m) => m.fields.redelivered) };
  });
}

function escapedError(escaped: readonly unknown[], body: string): CaseFailed | undefined {
  if (escaped.length === 0) return undefined;
  const first = escaped[0] instanceof Error ? escaped[0].message : String(escaped[0]);
  return new CaseFailed(
    `processing "${body}" fails`,
    "your consumer to catch the error and settle the message",
    `the error escaped your consumer callback ("${first}"); in a real process an unhandled rejection ends Node.js`,
  );
}

const failing: Process = async (body) => {
  throw new Error(`could not process ${body}`);
};

export const safeConsumer = defineExercise<StartConsumer>({
  id: "02.1",
  title: "Acknowledge after the work, reject on failure",
  hint:
    "Consume with manual acknowledgement (noAck: false, the default). In the callback: try { await process(body); ch.ack(msg) } catch { ch.nack(msg, false, false) }. Acking before the work, or consuming with noAck: true, loses the message if the process dies mid-work.",
  solutionSource: `async function startConsumer(ch: Channel, queue: string, process: lesson02.Process) {
  await ch.consume(queue, async (msg) => {
    if (!msg) return;
    try {
      await process(msg.content.toString());
      ch.ack(msg);
    } catch {
      ch.nack(msg, false, false); // no requeue: to the dead-letter queue
    }
  });
}`,
  reference: async (ch, queue, process) => {
    await ch.consume(queue, async (msg) => {
      if (!msg) return;
      try {
        await process(msg.content.toString());
        ch.ack(msg);
      } catch {
        ch.nack(msg, false, false);
      }
    });
  },
  stub: async (ch, queue, process) => {
    await ch.consume(queue, async (msg) => {
      if (msg) await process(msg.content.toString());
    }, { noAck: true });
  },
  async cases(start, ctx) {
    // 1. Success: acknowledged, so closing the consumer does not bring it back.
    const ok = await consumerCase(ctx, start, "order 1", async () => {}, async ({ calls }) => {
      await waitUntil(() => calls() > 0, 1000);
      await sleep(20);
    });
    if (ok.left.length > 0) throw new CaseFailed("processing succeeds", `"order 1" acknowledged and gone from the queue`, "it came back to the queue when the consumer's channel closed: it was never acknowledged");
    if (ok.failed.length > 0) throw new CaseFailed("processing succeeds", `"order 1" acknowledged`, "it went to the dead-letter queue: it was rejected although processing succeeded");

    // 2. A crash mid-work: the message must still be there.
    const crash = await consumerCase(ctx, start, "order 2", () => new Promise(() => {}), async ({ calls }) => {
      await waitUntil(() => calls() > 0, 1000);
    });
    if (crash.left.length !== 1) {
      throw new CaseFailed("the consumer dies while processing", `"order 2" back in the queue, marked redelivered, when the consumer's channel closes mid-work`, `the queue holds ${listing(crash.left)}: the broker forgot the message as soon as it delivered it (noAck: true, or acked before the work)`);
    }

    // 3. Failure: rejected without requeue, so it is dead-lettered.
    const bad = await consumerCase(ctx, start, "order 3", failing, async ({ calls }) => {
      await waitUntil(() => calls() > 0, 1000);
      await sleep(20);
    });
    const escaped = escapedError(bad.escaped, "order 3");
    if (escaped) throw escaped;
    if (bad.failed.join() !== "order 3") {
      const where = bad.left.length ? "it was back in the work queue (requeued or never settled)" : "it is nowhere: neither in the work queue nor in the dead-letter queue";
      throw new CaseFailed("processing fails", `"order 3" rejected without requeue, so the broker dead-letters it`, where);
    }
  },
});

export const durableSend = defineExercise<(ch: Channel, queue: string, body: string) => Promise<void>>({
  id: "02.2",
  title: "A queue and a message that survive a restart",
  hint:
    "Two things must be durable: the queue (assertQueue(queue, { durable: true }), amqplib's default) and each message (sendToQueue(queue, content, { persistent: true }), NOT the default). Declare the queue with no other options.",
  solutionSource: `async function sendDurably(ch: Channel, queue: string, body: string) {
  await ch.assertQueue(queue, { durable: true });
  ch.sendToQueue(queue, Buffer.from(body), { persistent: true });
}`,
  reference: async (ch, queue, body) => {
    await ch.assertQueue(queue, { durable: true });
    ch.sendToQueue(queue, Buffer.from(body), { persistent: true });
  },
  stub: async (ch, queue, body) => {
    await ch.assertQueue(queue);
    ch.sendToQueue(queue, Buffer.from(body));
  },
  async cases(send, ctx) {
    const queue = ctx.name("invoices");
    ctx.cleanup((c) => c.deleteQueue(queue));
    const ch = await ctx.channel();
    await send(ch, queue, "invoice 42");
    const conn = await ctx.connect();
    let probe = await conn.createChannel();
    probe.on("error", () => undefined);
    await probe.checkQueue(queue).catch((err: Error) => {
      throw new CaseFailed("declaring the queue", `a queue named ${queue} after your function resolved`, `checking it failed: ${err.message}`);
    });
    // Redeclaring as durable succeeds for a durable queue and is refused (406) for a transient one.
    const durable = await probe.assertQueue(queue, { durable: true }).then(() => true as const, (err: Error) => err);
    if (durable !== true) {
      probe = await conn.createChannel();
      probe.on("error", () => undefined);
      const transient = /durable/.test(durable.message);
      const why = transient ? "it is transient (durable: false): a restart deletes it, with every message in it" : `the check could not tell: ${durable.message}`;
      throw new CaseFailed("the queue is durable", "a durable queue, declared with no other options", why);
    }
    const read: { got: GetMessage | false } = { got: false };
    await waitUntil(async () => (read.got = await probe.get(queue, { noAck: true })) !== false, 1000);
    const got = read.got;
    if (!got) throw new CaseFailed("sending the message", `"invoice 42" in the queue`, "the queue stayed empty");
    if (got.content.toString() !== "invoice 42") throw new CaseFailed("sending the message", `the body "invoice 42"`, `the body was "${got.content.toString()}"`);
    if (got.properties.deliveryMode !== 2) {
      throw new CaseFailed("the message is persistent", "deliveryMode 2 (persistent: true)", `its deliveryMode is ${got.properties.deliveryMode ?? "unset"}: transient, so a restart drops it even from a durable queue`);
    }
  },
});

export const oneRetry = defineExercise<StartConsumer>({
  id: "02.3",
  title: "Retry once, then give up",
  hint:
    "When process fails, look at msg.fields.redelivered: false means this is the first attempt, so requeue it (ch.nack(msg, false, true)); true means it already came back once, so reject it without requeue (ch.nack(msg, false, false)) and the queue dead-letters it. Ack when process succeeds.",
  solutionSource: `async function startConsumer(ch: Channel, queue: string, process: lesson02.Process) {
  await ch.consume(queue, async (msg) => {
    if (!msg) return;
    try {
      await process(msg.content.toString());
      ch.ack(msg);
    } catch {
      const requeue = !msg.fields.redelivered; // first failure: one more try
      ch.nack(msg, false, requeue);
    }
  });
}`,
  reference: async (ch, queue, process) => {
    await ch.consume(queue, async (msg) => {
      if (!msg) return;
      try {
        await process(msg.content.toString());
        ch.ack(msg);
      } catch {
        ch.nack(msg, false, !msg.fields.redelivered);
      }
    });
  },
  stub: async (ch, queue, process) => {
    await ch.consume(queue, async (msg) => {
      if (!msg) return;
      try {
        await process(msg.content.toString());
        ch.ack(msg);
      } catch {
        ch.nack(msg); // requeue, and hope it works next time
      }
    });
  },
  async cases(start, ctx) {
    const stopAfter = 5;
    // 1. Fails for ever: two attempts, then the dead-letter queue.
    let attempts = 0;
    const poison = await consumerCase(ctx, start, "poison", async () => {
      attempts++;
      throw new Error("could not process poison");
    }, async ({ calls }) => {
      await waitUntil(() => calls() >= stopAfter, 300);
    });
    const escaped = escapedError(poison.escaped, "poison");
    if (escaped) throw escaped;
    if (attempts >= stopAfter) {
      throw new CaseFailed("a message that always fails", `"poison" processed twice, then dead-lettered`, `it was delivered ${attempts} times before the check stopped it, and would go on for ever: every requeue puts it straight back at the head of the queue`);
    }
    if (attempts !== 2 || poison.failed.join() !== "poison") {
      const where = poison.failed.length ? "in the dead-letter queue" : poison.left.length ? "back in the work queue" : "gone";
      throw new CaseFailed("a message that always fails", `"poison" processed twice, then dead-lettered`, `it was processed ${attempts} time(s) and is ${where}`);
    }
    // 2. Fails once: the second attempt succeeds and acks it.
    let tries = 0;
    const flaky = await consumerCase(ctx, start, "flaky", async () => {
      if (++tries === 1) throw new Error("could not process flaky");
    }, async ({ calls }) => {
      await waitUntil(() => calls() >= 2, 1000);
      await sleep(20);
    });
    if (tries !== 2 || flaky.left.length || flaky.failed.length) {
      const where = flaky.failed.length ? "in the dead-letter queue" : flaky.left.length ? "back in the work queue" : "acknowledged";
      throw new CaseFailed("a message that fails once", `"flaky" processed twice and acknowledged the second time`, `it was processed ${tries} time(s) and is ${where}`);
    }
  },
});

export const questions = selfTest([
  {
    question: "A consumer with noAck: true receives five messages, processes the first and crashes. How many of the five are still in the queue?",
    answer: "None. With automatic acknowledgement the broker forgets a message the moment it sends it; the four unprocessed ones died with the consumer. With manual acks (and a prefetch) they would be back in the queue, marked redelivered.",
  },
  {
    question: "What does ch.nack(msg, false, true) do with the message, where does it go, and how does the next consumer know?",
    answer: "It requeues the message: it goes back to its original position in the queue (at or near the head, not the tail) and is delivered again with fields.redelivered = true.",
  },
  {
    question: "A consumer never calls ack. What do you see in the queue, and when do the messages come back?",
    answer: "The messages stay 'unacked': not ready for anyone else, held by that consumer. With a prefetch the consumer stalls once the window is full. They come back (redelivered) only when its channel or connection closes.",
  },
  {
    question: "Acking the same delivery twice: what does the broker do, and why can that end a Node.js process?",
    answer: "It closes the channel with 406 PRECONDITION_FAILED 'unknown delivery tag', requeueing that channel's other unacked messages. amqplib emits 'error' on the channel; an 'error' event with no listener throws, and the process ends.",
  },
  {
    question: "Which two settings must both be true for a message to survive a broker restart? Which one is amqplib's default?",
    answer: "A durable queue and a persistent message (deliveryMode 2). amqplib declares queues durable by default, but messages are transient unless you pass { persistent: true }.",
  },
  {
    question: "Your script acks its last messages and calls conn.close() while some work is still running. What happens to the messages whose work finishes after the close?",
    answer: "Their ack fails ('Channel closed'): the broker had already put them back in the queue when the connection closed, so another consumer gets them again (redelivered). Wait for the work in progress to finish before closing.",
  },
]);
