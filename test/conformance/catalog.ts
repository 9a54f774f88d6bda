// Every scenario module under scenarios/ default-exports an array of scenarios; the catalog
// finds them by listing the folder, so adding a file is all it takes.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Scenario, TraceEntry } from "./harness";

const scenarioDir = join(__dirname, "scenarios");
const goldenDir = join(__dirname, "golden");

export async function loadScenarios(): Promise<Scenario[]> {
  const files = readdirSync(scenarioDir).filter((f) => f.endsWith(".ts")).sort();
  const all: Scenario[] = [];
  for (const file of files) {
    const mod = (await import(join(scenarioDir, file))) as { default: Scenario[] };
    all.push(...mod.default);
  }
  const seen = new Set<string>();
  for (const s of all) {
    if (seen.has(s.name)) throw new Error(`two scenarios are named ${s.name}`);
    seen.add(s.name);
  }
  return all;
}

export function goldenPath(name: string): string {
  return join(goldenDir, `${name}.json`);
}

export function readGolden(name: string): TraceEntry[] | undefined {
  const path = goldenPath(name);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as TraceEntry[]) : undefined;
}

export function writeGolden(name: string, trace: TraceEntry[]): void {
  writeFileSync(goldenPath(name), `${JSON.stringify(trace, null, 1)}\n`);
}
