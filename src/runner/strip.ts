// npm run strip [notebooks...]: removes outputs and execution counts before a commit.
import { resolve } from "node:path";
import { readNotebook, stripped, writeNotebook } from "./notebook";
import { lessonPaths } from "./paths";

export function stripFiles(paths: readonly string[]): string[] {
  const changed: string[] = [];
  for (const path of paths) {
    const before = readNotebook(path);
    const after = stripped(before);
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      writeNotebook(path, after);
      changed.push(path);
    }
  }
  return changed;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const changed = stripFiles(args.length ? args.map((a) => resolve(a)) : lessonPaths());
  console.log(changed.length ? `stripped outputs from ${changed.length} notebook(s):\n  ${changed.join("\n  ")}` : "notebooks already carry no outputs");
}
