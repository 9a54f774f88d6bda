// Every exercise of lessons 01-03: the solution passes and the notebook's stub fails at the case
// the lesson expects, on the in-memory broker and, with AMQP_URL set, on the live RabbitMQ too.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Exercise } from "../../src/exercises/exercise";
import * as lesson01 from "../../src/exercises/lesson01";
import * as lesson02 from "../../src/exercises/lesson02";
import * as lesson03 from "../../src/exercises/lesson03";

/** Each exercise with the case its stub should fail, and words the failure must contain. */
const exercises: [Exercise<never>, RegExp, RegExp][] = [
  [lesson01.topicRouting, /routing key order\.created\.eu/, /reached no queue \(dropped\)/],
  [lesson01.headersRouting, /headers format=pdf, type=report/, /reached no queue/],
  [lesson01.alternateExchange, /routing key crad/, /to reach only unrouted.*reached no queue/s],
  [lesson02.safeConsumer, /the consumer dies while processing/, /forgot the message/],
  [lesson02.durableSend, /the message is persistent/, /deliveryMode is unset/],
  [lesson02.oneRetry, /a message that always fails/, /would go on for ever/],
  [lesson03.fairWorker, /30 jobs for a fast and a slow worker/, /without a prefetch limit/],
  [lesson03.prefetchSizing, /round trip 30 ms, processing 5 ms/, /with prefetch 1 it was busy \d+ % of the time/],
  [lesson03.publishAll, /buffer that fills every 40 messages/, /sent while it was full/],
] as [Exercise<never>, RegExp, RegExp][];

const url = process.env.AMQP_URL;
const modes: [string, string | undefined][] = [["in-memory broker", undefined]];
if (url) modes.push(["live broker", url]);

describe.each(modes)("on the %s", (_label, modeUrl) => {
  // Exercises connect() through AMQP_URL, as the notebook does.
  beforeAll(() => {
    if (modeUrl) process.env.AMQP_URL = modeUrl;
    else delete process.env.AMQP_URL;
  });
  afterAll(() => {
    if (url) process.env.AMQP_URL = url;
  });

  const named = exercises.map(([e, c, w]) => [`${e.id} ${e.title}`, e, c, w] as const);

  test.each(named)("%s: the solution passes", { timeout: 20_000 }, async (_name, exercise) => {
    const outcome = await exercise.evaluate(exercise.reference);
    expect(outcome.passed, [outcome.summary, ...outcome.details].join("\n")).toBe(true);
  });

  test.each(named)("%s: the stub fails, saying which case and why", { timeout: 20_000 }, async (_name, exercise, failingCase, why) => {
    const outcome = await exercise.evaluate(exercise.stub);
    const text = [outcome.summary, ...outcome.details].join("\n");
    expect(outcome.passed, text).toBe(false);
    expect(outcome.summary, text).toMatch(/Case ".+" failed/);
    expect(outcome.summary, text).toMatch(failingCase);
    expect(outcome.details.join("\n"), text).toMatch(why);
  });
});

test("every exercise of lessons 01-03 is tested, and ids are unique", () => {
  const all = [lesson01, lesson02, lesson03].flatMap((m) => Object.values(m).filter((v): v is Exercise<never> => typeof v === "object" && v !== null && "check" in v));
  expect(all.map((e) => e.id).sort()).toEqual(exercises.map(([e]) => e.id).sort());
  expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
});

test("each lesson has self-test questions", () => {
  for (const lesson of [lesson01, lesson02, lesson03]) expect(typeof lesson.questions.show).toBe("function");
});
