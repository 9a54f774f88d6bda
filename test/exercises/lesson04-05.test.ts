// Every exercise of lessons 04 and 05: the solution passes and the notebook's stub fails, on the
// in-memory broker and, with AMQP_URL set, on the live RabbitMQ too.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Exercise } from "../../src/exercises/exercise";
import { lesson04 } from "../../src/exercises/lesson04";
import { lesson05 } from "../../src/exercises/lesson05";

const exercises: Exercise<never>[] = [...Object.values(lesson04), ...Object.values(lesson05)] as Exercise<never>[];
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

  test.each(exercises.map((e) => [`${e.id} ${e.title}`, e] as const))("%s: the solution passes", { timeout: 20_000 }, async (_name, exercise) => {
    const outcome = await exercise.evaluate(exercise.reference);
    expect(outcome.passed, [outcome.summary, ...outcome.details].join("\n")).toBe(true);
  });

  test.each(exercises.map((e) => [`${e.id} ${e.title}`, e] as const))("%s: the stub fails, saying which case", { timeout: 20_000 }, async (_name, exercise) => {
    const outcome = await exercise.evaluate(exercise.stub);
    expect(outcome.passed).toBe(false);
    expect(outcome.summary).toMatch(/Case ".+" failed/);
  });
});

test("exercise ids are unique", () => {
  expect(new Set(exercises.map((e) => e.id)).size).toBe(exercises.length);
});
