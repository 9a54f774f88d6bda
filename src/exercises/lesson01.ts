// Lesson 01 (exchanges, queues, bindings, routing keys): exercises and self-test questions.
import type { Channel } from "../amqp";
import { routeAll, type TestMessage } from "../lessons/routing";
import { CaseFailed, defineExercise, type ExerciseContext } from "./exercise";
import { selfTest } from "./self-test";

/** Names a check hands to the topic exercise: the exchange exists, the queues exist, nothing is bound. */
export interface OrderQueues {
  /** A topic exchange receiving keys such as "order.created.eu". */
  exchange: string;
  /** Should get every three-word order event of the region eu. */
  eu: string;
  /** Should get every three-word created order event, any region. */
  created: string;
  /** Should get every key that starts with the word "order", however many words follow (even none). */
  audit: string;
}

/** Names a check hands to the headers exercise: the exchange and queues exist, nothing is bound. */
export interface DocumentQueues {
  /** A headers exchange. */
  exchange: string;
  /** Should get messages with format=pdf AND type=report (other headers may be present). */
  pdfReports: string;
  /** Should get messages with priority=high OR escalated=yes. */
  urgent: string;
}

/** Names a check hands to the alternate-exchange exercise: nothing exists yet except the queue `unrouted`. */
export interface SafetyNet {
  /** Declare it: a direct exchange whose unroutable messages go to `unrouted`. */
  exchange: string;
  /** Declare it too: the exchange that catches what `exchange` cannot route. */
  alternate: string;
  /** Exists: where every message `exchange` cannot route must end up. */
  unrouted: string;
}

/** Which roles should receive each message, and which did: a CaseFailed for the first difference. */
async function expectRouting<Roles extends Record<string, string>>(
  ctx: ExerciseContext,
  exchange: string,
  roles: Roles,
  expected: readonly { message: TestMessage; reach: (keyof Roles & string)[] }[],
): Promise<void> {
  const conn = await ctx.connect();
  const names = Object.keys(roles) as (keyof Roles & string)[];
  const rows = await routeAll(conn, exchange, expected.map((e) => e.message), names.map((r) => roles[r]!));
  expected.forEach(({ message, reach }, i) => {
    const got = names.filter((role) => rows[i]![roles[role]!] === "✓");
    const want = [...reach].sort();
    if (got.sort().join() !== want.join()) {
      const headers = message.headers && Object.entries(message.headers).map(([k, v]) => `${k}=${v}`).join(", ");
      const caseName = headers ? `headers ${headers}` : `routing key ${message.key || "(empty)"}`;
      const what = headers ? `a message with headers ${headers}` : `a message with routing key "${message.key}"`;
      throw new CaseFailed(caseName, `${what} to reach ${queues(want)}`, `it reached ${queues(got)}`);
    }
  });
}

function queues(roles: readonly string[]): string {
  if (roles.length === 0) return "no queue (dropped)";
  return roles.length === 1 ? `only ${roles[0]}` : `${roles.slice(0, -1).join(", ")} and ${roles[roles.length - 1]}`;
}

async function declareQueues(ctx: ExerciseContext, ch: Channel, labels: readonly string[]): Promise<string[]> {
  const names = labels.map((l) => ctx.name(l));
  for (const name of names) {
    ctx.cleanup((c) => c.deleteQueue(name));
    await ch.assertQueue(name, { durable: false });
  }
  return names;
}

export const topicRouting = defineExercise<(ch: Channel, q: OrderQueues) => Promise<void>>({
  id: "01.1",
  title: "Topic bindings for order events",
  hint:
    "Bind each queue to q.exchange with one pattern: ch.bindQueue(queue, q.exchange, pattern). In a topic pattern `*` stands for exactly one word and `#` for zero or more words; words are separated by dots.",
  solutionSource: `async function bindOrderQueues(ch: Channel, q: lesson01.OrderQueues) {
  await ch.bindQueue(q.eu, q.exchange, "order.*.eu");
  await ch.bindQueue(q.created, q.exchange, "order.created.*");
  await ch.bindQueue(q.audit, q.exchange, "order.#");
}`,
  reference: async (ch, q) => {
    await ch.bindQueue(q.eu, q.exchange, "order.*.eu");
    await ch.bindQueue(q.created, q.exchange, "order.created.*");
    await ch.bindQueue(q.audit, q.exchange, "order.#");
  },
  stub: async () => {},
  async cases(answer, ctx) {
    const ch = await ctx.channel();
    const exchange = ctx.name("orders");
    ctx.cleanup((c) => c.deleteExchange(exchange));
    await ch.assertExchange(exchange, "topic", { durable: false });
    const [eu, created, audit] = await declareQueues(ctx, ch, ["eu", "created", "audit"]);
    await answer(ch, { exchange, eu: eu!, created: created!, audit: audit! });
    await expectRouting(ctx, exchange, { eu: eu!, created: created!, audit: audit! }, [
      { message: { key: "order.created.eu" }, reach: ["eu", "created", "audit"] },
      { message: { key: "order.created.us" }, reach: ["created", "audit"] },
      { message: { key: "order.paid.eu" }, reach: ["eu", "audit"] },
      { message: { key: "order.paid.us" }, reach: ["audit"] },
      { message: { key: "order" }, reach: ["audit"] },
      { message: { key: "order.refund.requested.eu" }, reach: ["audit"] },
      { message: { key: "invoice.created.eu" }, reach: [] },
      { message: { key: "orders.created.eu" }, reach: [] },
    ]);
  },
});

export const headersRouting = defineExercise<(ch: Channel, q: DocumentQueues) => Promise<void>>({
  id: "01.2",
  title: "Headers bindings for documents",
  hint:
    'A headers binding ignores the routing key (pass ""); its arguments list the headers to match, and "x-match" says whether all of them must match ("all") or one is enough ("any"): ch.bindQueue(queue, q.exchange, "", { "x-match": "all", format: "pdf", ... }).',
  solutionSource: `async function bindDocumentQueues(ch: Channel, q: lesson01.DocumentQueues) {
  await ch.bindQueue(q.pdfReports, q.exchange, "", { "x-match": "all", format: "pdf", type: "report" });
  await ch.bindQueue(q.urgent, q.exchange, "", { "x-match": "any", priority: "high", escalated: "yes" });
}`,
  reference: async (ch, q) => {
    await ch.bindQueue(q.pdfReports, q.exchange, "", { "x-match": "all", format: "pdf", type: "report" });
    await ch.bindQueue(q.urgent, q.exchange, "", { "x-match": "any", priority: "high", escalated: "yes" });
  },
  stub: async () => {},
  async cases(answer, ctx) {
    const ch = await ctx.channel();
    const exchange = ctx.name("documents");
    ctx.cleanup((c) => c.deleteExchange(exchange));
    await ch.assertExchange(exchange, "headers", { durable: false });
    const [pdfReports, urgent] = await declareQueues(ctx, ch, ["pdf-reports", "urgent"]);
    await answer(ch, { exchange, pdfReports: pdfReports!, urgent: urgent! });
    const doc = (headers: Record<string, string>) => ({ key: "", headers });
    await expectRouting(ctx, exchange, { pdfReports: pdfReports!, urgent: urgent! }, [
      { message: doc({ format: "pdf", type: "report" }), reach: ["pdfReports"] },
      { message: doc({ format: "pdf", type: "invoice" }), reach: [] },
      { message: doc({ format: "docx", type: "report" }), reach: [] },
      { message: doc({ format: "pdf" }), reach: [] },
      { message: doc({ format: "pdf", type: "report", priority: "high" }), reach: ["pdfReports", "urgent"] },
      { message: doc({ priority: "high" }), reach: ["urgent"] },
      { message: doc({ escalated: "yes", format: "docx" }), reach: ["urgent"] },
      { message: doc({ priority: "low", escalated: "no" }), reach: [] },
    ]);
  },
});

export const alternateExchange = defineExercise<(ch: Channel, names: SafetyNet) => Promise<void>>({
  id: "01.3",
  title: "A safety net for unroutable messages",
  hint:
    'Declare names.alternate first (a fanout exchange routes everything it gets) and bind names.unrouted to it. Then declare names.exchange as a direct exchange with the option { alternateExchange: names.alternate }.',
  solutionSource: `async function declareWithSafetyNet(ch: Channel, names: lesson01.SafetyNet) {
  await ch.assertExchange(names.alternate, "fanout", { durable: false });
  await ch.bindQueue(names.unrouted, names.alternate, "");
  await ch.assertExchange(names.exchange, "direct", { durable: false, alternateExchange: names.alternate });
}`,
  reference: async (ch, names) => {
    await ch.assertExchange(names.alternate, "fanout", { durable: false });
    await ch.bindQueue(names.unrouted, names.alternate, "");
    await ch.assertExchange(names.exchange, "direct", { durable: false, alternateExchange: names.alternate });
  },
  stub: async (ch, names) => {
    await ch.assertExchange(names.exchange, "direct", { durable: false });
  },
  async cases(answer, ctx) {
    const ch = await ctx.channel();
    const exchange = ctx.name("payments");
    const alternate = ctx.name("payments-unrouted");
    ctx.cleanup((c) => c.deleteExchange(exchange));
    ctx.cleanup((c) => c.deleteExchange(alternate));
    const [unrouted, known] = await declareQueues(ctx, ch, ["unrouted", "card-payments"]);
    await answer(ch, { exchange, alternate, unrouted: unrouted! });
    const probe = await (await ctx.connect()).createChannel();
    probe.on("error", () => undefined);
    await probe.checkExchange(exchange).catch(() => {
      throw new CaseFailed("declaring the exchange", `your function to declare the exchange names.exchange`, "it does not exist after your function returned");
    });
    await ch.bindQueue(known!, exchange, "card");
    await expectRouting(ctx, exchange, { unrouted: unrouted!, "the queue bound with key card": known! }, [
      { message: { key: "card" }, reach: ["the queue bound with key card"] },
      { message: { key: "crad" }, reach: ["unrouted"] },
      { message: { key: "" }, reach: ["unrouted"] },
      { message: { key: "Card" }, reach: ["unrouted"] },
    ]);
  },
});

export const questions = selfTest([
  {
    question: "A message is published to a direct exchange with a routing key no binding matches, without mandatory. What happens to it, and what does the publisher learn?",
    answer: "The exchange drops it and the publisher learns nothing: publish() does not fail and no event fires. Only mandatory: true (a 'return' event) or an alternate exchange (the message goes there instead) make the loss visible.",
  },
  {
    question: "Which queue does channel.sendToQueue('jobs', body) reach, and through which exchange?",
    answer: "The queue named 'jobs', through the default exchange (named \"\"): a direct exchange every queue is bound to with its own name as the key. If no queue is called 'jobs', the message is dropped silently.",
  },
  {
    question: "In a topic exchange, does the pattern order.* match the key order.created.eu? Does order.#? Does order.# match order?",
    answer: "order.* does not: * is exactly one word. order.# matches both order.created.eu and order, because # is zero or more words.",
  },
  {
    question: "Why did quick.orange.new.rabbit reach no queue of l01.animals, while lazy.orange.new.rabbit reached one?",
    answer: "Both have four words. The patterns *.orange.* and *.*.rabbit need exactly three (a * is exactly one word), so neither key matches them; lazy.# matches any key whose first word is lazy, followed by zero or more words.",
  },
  {
    question: "What do mandatory and an alternate exchange each do with an unroutable message, and when would you pick which?",
    answer: "mandatory sends it back to the publisher (a 'return' event with 312 NO_ROUTE): the publishing code decides what to do. An alternate exchange routes it somewhere instead (a queue you can inspect), without the publisher knowing: a safety net for every publisher of that exchange.",
  },
  {
    question: "You publish to an exchange whose name has a typo. What happens to the message and to the channel?",
    answer: "The broker closes the channel with 404 NOT_FOUND; the message is gone and every later call on that channel fails with 'Channel closed'. Without an 'error' listener on the channel the unhandled error event ends the Node.js process.",
  },
]);
