// Records golden traces from the live RabbitMQ named by AMQP_URL. Each scenario runs twice and
// is refused when the two traces differ: a golden must not depend on timing.
//   npm run conformance:record            all scenarios
//   npm run conformance:record -- topic   those whose name contains "topic"
import { isDeepStrictEqual } from "node:util";
import { loadScenarios, writeGolden } from "../test/conformance/catalog";
import { runScenario } from "../test/conformance/harness";
import { redactUrl } from "../src/mode";

async function main(): Promise<void> {
  const url = process.env.AMQP_URL;
  if (!url) throw new Error("AMQP_URL is not set: goldens are recorded from a real RabbitMQ");
  const filters = process.argv.slice(2);
  const scenarios = (await loadScenarios()).filter((s) => !filters.length || filters.some((f) => s.name.includes(f)));
  console.log(`recording ${scenarios.length} scenario(s) from ${redactUrl(url)}`);
  let unstable = 0;
  for (const s of scenarios) {
    const first = await runScenario(s, { kind: "live", url });
    const second = await runScenario(s, { kind: "live", url });
    if (!isDeepStrictEqual(first, second)) {
      unstable += 1;
      console.log(`UNSTABLE ${s.name}: two runs differ, golden not written`);
      console.log(JSON.stringify({ first, second }, null, 1));
      continue;
    }
    writeGolden(s.name, first);
    console.log(`recorded ${s.name} (${first.length} entries)`);
  }
  if (unstable) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
