// Runs scenarios on the in-memory broker and prints where each trace departs from its golden.
//   npm run conformance:diff -- <name-substring>...
import { isDeepStrictEqual } from "node:util";
import { loadScenarios, readGolden } from "../test/conformance/catalog";
import { runScenario } from "../test/conformance/harness";

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const scenarios = (await loadScenarios()).filter((s) => !filters.length || filters.some((f) => s.name.includes(f)));
  let differ = 0;
  for (const s of scenarios) {
    const golden = readGolden(s.name) ?? [];
    let trace: unknown[];
    try {
      trace = await runScenario(s, { kind: "memory" });
    } catch (err) {
      differ += 1;
      console.log(`✗ ${s.name}: ${String(err)}`);
      continue;
    }
    if (isDeepStrictEqual(trace, golden)) continue;
    differ += 1;
    const at = trace.findIndex((entry, i) => !isDeepStrictEqual(entry, golden[i]));
    const first = at < 0 ? Math.min(trace.length, golden.length) : at;
    console.log(`✗ ${s.name}: differs at entry ${first}`);
    console.log(`  golden: ${JSON.stringify(golden.slice(first, first + 3))}`);
    console.log(`  memory: ${JSON.stringify(trace.slice(first, first + 3))}`);
  }
  console.log(`${scenarios.length - differ} of ${scenarios.length} scenarios match their golden`);
  process.exit(differ ? 1 : 0);
}

void main();
