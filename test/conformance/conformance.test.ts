// Every scenario runs on the in-memory broker and must reproduce the trace recorded from
// RabbitMQ. With AMQP_URL set, it also runs on the live broker, which must still match.
import { isDeepStrictEqual } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { loadScenarios, readGolden } from "./catalog";
import { runScenario, type Target } from "./harness";

const scenarios = await loadScenarios();
const targets: Target[] = [{ kind: "memory" }];
if (process.env.AMQP_URL) targets.push({ kind: "live", url: process.env.AMQP_URL });
const matched = new Map<Target["kind"], number>();

for (const target of targets) {
  describe(`${target.kind} broker reproduces the golden trace`, () => {
    for (const scenario of scenarios) {
      test(scenario.name, { timeout: scenario.timeoutMs ?? 20_000 }, async () => {
        const golden = readGolden(scenario.name);
        expect(golden, `no golden trace for ${scenario.name}: run npm run conformance:record`).toBeDefined();
        const trace = await runScenario(scenario, target);
        if (isDeepStrictEqual(trace, golden)) matched.set(target.kind, (matched.get(target.kind) ?? 0) + 1);
        expect(trace).toEqual(golden);
      });
    }
  });
}

afterAll(() => {
  const counts = targets.map((t) => `${t.kind} == golden: ${matched.get(t.kind) ?? 0} of ${scenarios.length}`);
  console.log(`conformance scenarios: ${counts.join("; ")}`);
});
