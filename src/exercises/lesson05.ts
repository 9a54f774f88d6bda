// Lesson 05 exercises: publisher confirms and idempotent consumers.
import type { Channel, ConfirmChannel, Message } from "../amqp";
import { DedupStore } from "../dedup/store";
import { waitUntil } from "../retry/wait";
import { CaseFailed, defineExercise } from "./exercise";

// ---------------------------------------------------------------------------------------------
// 05.1 De-duplication by message id

/** Wraps `work` so it runs at most once per messageId; the handler resolves to true when it ran. */
export type MakeIdempotent = (work: (message: Message) => void | Promise<void>) => (message: Message) => boolean | Promise<boolean>;

const idempotentReference: MakeIdempotent = (work) => {
  const store = new DedupStore({ maxEntries: 10_000, maxAgeMs: 10 * 60_000 });
  return async (message) => (await store.once(message.properties.messageId, () => work(message))).ran;
};

export const dedupById = defineExercise<MakeIdempotent>({
  id: "05.1",
  title: "De-duplication by message id",
  hint:
    "Keep the ids already handled (a Set, or a DedupStore with size and age limits). If the message's properties.messageId is in it, return false without calling work. Otherwise call work first and remember the id only after work succeeded: if work throws, let the error out and do not remember, so the redelivery runs it again.",
  solutionSource: `const makeIdempotent = (work) => {
  const store = new DedupStore({ maxEntries: 10_000, maxAgeMs: 10 * 60_000 });
  return async (message) => {
    const result = await store.once(message.properties.messageId, () => work(message));
    return result.ran;      // false for a duplicate: ack it and move on
  };
};
// or by hand: if (seen.has(id)) return false; await work(message); seen.add(id); return true;`,
  reference: idempotentReference,
  stub: (work) => async (message) => {
    await work(message);
    return true;
  },
  async cases(answer, ctx) {
    const ch = await ctx.channel();
    const queue = ctx.name("payments");
    ctx.cleanup((admin) => admin.deleteQueue(queue));
    await ch.assertQueue(queue, { durable: false });

    // Case 1: duplicates (as a publisher retry or a redelivery makes them) are skipped.
    const charged: string[] = [];
    const handler = answer((m) => void charged.push(String(m.properties.messageId)));
    const ids = ["o-1", "o-2", "o-1", "o-3", "o-2"];
    for (const id of ids) ch.sendToQueue(queue, Buffer.from(`charge ${id}`), { messageId: id });
    const ran = await consumeAll(ch, queue, ids.length, handler);
    const counts = ["o-1", "o-2", "o-3"].map((id) => `${id}×${charged.filter((c) => c === id).length}`).join(", ");
    if (counts !== "o-1×1, o-2×1, o-3×1") throw new CaseFailed("five deliveries of three payments", "each payment charged once: o-1×1, o-2×1, o-3×1", `the charges were ${counts}`);
    if (ran.join() !== "true,true,false,true,false") throw new CaseFailed("what the handler returns", "true, true, false, true, false (false for each duplicate)", `it returned ${ran.join(", ")}`);

    // Case 2: work that failed is not remembered: its redelivery runs it again.
    let tries = 0;
    const flaky = answer(() => {
      tries++;
      if (tries === 1) throw new Error("database unavailable");
    });
    ch.sendToQueue(queue, Buffer.from("charge o-4"), { messageId: "o-4" });
    const first = await getOne(ch, queue);
    const threw = await Promise.resolve().then(() => flaky(first)).then(() => false, () => true);
    if (!threw) throw new CaseFailed("work that throws", "the handler to throw too (so the message is not acked)", "it returned normally");
    ch.nack(first, false, true);
    const again = await getOne(ch, queue);
    const second = await flaky(again);
    ch.ack(again);
    if (tries !== 2 || second !== true) throw new CaseFailed("a redelivery after the work failed", "the work to run again (2 tries in all) and the handler to return true", `the work ran ${tries} time(s) and the handler returned ${String(second)}: the id was remembered before the work succeeded`);
  },
});

async function getOne(ch: Channel, queue: string): Promise<Message> {
  let message: Message | false = false;
  await waitUntil(async () => Boolean((message = await ch.get(queue))), { timeoutMs: 2000, what: `a message in ${queue}` });
  return message as unknown as Message;
}

async function consumeAll(ch: Channel, queue: string, n: number, handler: (m: Message) => boolean | Promise<boolean>): Promise<boolean[]> {
  const results: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const message = await getOne(ch, queue);
    results.push(await handler(message));
    ch.ack(message);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// 05.2 Publish with confirms, and know what was nacked

export interface PublishReport {
  /** Bodies the broker confirmed (acked). */
  confirmed: string[];
  /** Bodies the broker refused (nacked): the publisher still owns them. */
  nacked: string[];
}

export type PublishAll = (ch: ConfirmChannel, queue: string, bodies: string[]) => Promise<PublishReport>;

const publishAllReference: PublishAll = async (ch, queue, bodies) => {
  const report: PublishReport = { confirmed: [], nacked: [] };
  const confirms = bodies.map(
    (body) =>
      new Promise<void>((resolve) =>
        ch.sendToQueue(queue, Buffer.from(body), { persistent: true }, (err) => {
          (err ? report.nacked : report.confirmed).push(body);
          resolve();
        }),
      ),
  );
  await Promise.all(confirms);
  return report;
};

export const publishWithConfirms = defineExercise<PublishAll>({
  id: "05.2",
  title: "Publish with confirms, and know what was nacked",
  hint:
    "On a confirm channel, sendToQueue takes a callback as its last argument: (err) => ..., called once the broker has decided: err is null for an ack and an Error for a nack. Wrap each call in a Promise that resolves in the callback, sort the body into confirmed or nacked there, and await them all (Promise.all) before returning. waitForConfirms() alone rejects on the first nack without saying which message it was.",
  solutionSource: `const publishAll = async (ch, queue, bodies) => {
  const report = { confirmed: [], nacked: [] };
  await Promise.all(bodies.map((body) => new Promise((resolve) =>
    ch.sendToQueue(queue, Buffer.from(body), { persistent: true }, (err) => {
      (err ? report.nacked : report.confirmed).push(body);
      resolve();
    }))));
  return report;
};`,
  reference: publishAllReference,
  stub: async (ch, queue, bodies) => {
    for (const body of bodies) ch.sendToQueue(queue, Buffer.from(body));
    return { confirmed: [...bodies], nacked: [] };
  },
  async cases(answer, ctx) {
    const ch = await ctx.channel();
    const conn = await ctx.connect();
    const confirm = await conn.createConfirmChannel();
    confirm.on("error", () => undefined);

    const roomy = ctx.name("roomy");
    ctx.cleanup((admin) => admin.deleteQueue(roomy));
    await ch.assertQueue(roomy, { durable: false });
    const many = Array.from({ length: 50 }, (_, i) => `m${i + 1}`);
    const all = await answer(confirm, roomy, many);
    const stored = (await ch.checkQueue(roomy)).messageCount;
    if (all.confirmed.length !== 50 || all.nacked.length) throw new CaseFailed("50 messages to a queue with room", "50 confirmed, none nacked", `confirmed ${all.confirmed.length}, nacked ${all.nacked.length}`);
    if (stored !== 50) throw new CaseFailed("50 messages to a queue with room", "all 50 in the queue when your function returns (it waits for the confirms)", `the queue held ${stored}`);

    const full = ctx.name("full");
    ctx.cleanup((admin) => admin.deleteQueue(full));
    await ch.assertQueue(full, { durable: false, maxLength: 3, arguments: { "x-overflow": "reject-publish" } });
    const five = ["a", "b", "c", "d", "e"];
    const report = await answer(confirm, full, five);
    // Confirms may come in any order: compare as sets.
    const got = `confirmed [${[...report.confirmed].sort().join(", ")}], nacked [${[...report.nacked].sort().join(", ")}]`;
    if (got !== "confirmed [a, b, c], nacked [d, e]") throw new CaseFailed("5 messages to a queue that holds 3 (x-overflow reject-publish)", "confirmed [a, b, c], nacked [d, e]", `your function reported ${got}`);
  },
});

// ---------------------------------------------------------------------------------------------
// 05.3 mandatory + returns

export type PublishOrReport = (ch: ConfirmChannel, exchange: string, routingKey: string, body: string) => Promise<"routed" | "returned">;

const mandatoryReference: PublishOrReport = async (ch, exchange, routingKey, body) => {
  let returned = false;
  const onReturn = (m: Message) => {
    if (m.content.toString() === body) returned = true;
  };
  ch.on("return", onReturn);
  try {
    await new Promise<void>((resolve, reject) =>
      ch.publish(exchange, routingKey, Buffer.from(body), { mandatory: true }, (err) => (err ? reject(err) : resolve())),
    );
  } finally {
    ch.off("return", onReturn);
  }
  return returned ? "returned" : "routed";
};

export const mandatoryReturns = defineExercise<PublishOrReport>({
  id: "05.3",
  title: "Find out that a message reached no queue",
  hint:
    "A confirm only says the broker took the message: an unroutable one is acked too. Publish with { mandatory: true } and listen for the channel's \"return\" event; RabbitMQ sends the return before the ack, so once the publish's confirm callback has run you know whether a return came. Remove your listener afterwards (ch.off) so calls do not see each other's returns.",
  solutionSource: `const publishOrReport = async (ch, exchange, routingKey, body) => {
  let returned = false;
  const onReturn = (m) => { if (m.content.toString() === body) returned = true; };
  ch.on("return", onReturn);
  try {
    await new Promise((resolve, reject) =>
      ch.publish(exchange, routingKey, Buffer.from(body), { mandatory: true }, (err) => (err ? reject(err) : resolve())));
  } finally {
    ch.off("return", onReturn);
  }
  return returned ? "returned" : "routed";
};`,
  reference: mandatoryReference,
  stub: async (ch, exchange, routingKey, body) => {
    ch.publish(exchange, routingKey, Buffer.from(body));
    await ch.waitForConfirms();
    return "routed";
  },
  async cases(answer, ctx) {
    const ch = await ctx.channel();
    const exchange = ctx.name("orders");
    const queue = ctx.name("paid");
    ctx.cleanup((admin) => admin.deleteQueue(queue));
    ctx.cleanup((admin) => admin.deleteExchange(exchange));
    await ch.assertExchange(exchange, "direct", { durable: false });
    await ch.assertQueue(queue, { durable: false });
    await ch.bindQueue(queue, exchange, "order.paid");
    const conn = await ctx.connect();
    const confirm = await conn.createConfirmChannel();
    confirm.on("error", () => undefined);
    const cases: [string, string, "routed" | "returned"][] = [
      ["order.paid", "a message with a bound key", "routed"],
      ["order.payd", "a typo in the routing key", "returned"],
      ["order.paid", "a bound key again, right after a return", "routed"],
      ["order.shipped", "a key nobody bound yet", "returned"],
    ];
    for (const [key, name, expected] of cases) {
      const got = await answer(confirm, exchange, key, `${name}`);
      if (got !== expected) throw new CaseFailed(`${name} ("${key}")`, `"${expected}"`, `your function said "${got}"`);
    }
    const inQueue = (await ch.checkQueue(queue)).messageCount;
    if (inQueue !== 2) throw new CaseFailed("the routed messages", "2 messages in the bound queue", `it held ${inQueue}`);
  },
});

export const lesson05 = { dedupById, publishWithConfirms, mandatoryReturns };
