// Lessons import the compiled helper (dist/), not src/: a build older than its source would
// run yesterday's code in today's lesson without a word. npm start and npm run lab build first;
// this catches everyone else (vitest, a Jupyter started by hand).
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, test } from "vitest";
import { ROOT } from "../../src/runner/paths";

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path, ext) : entry.name.endsWith(ext) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

test("every module in src/ has a build in dist/ at least as new (run npm run build)", () => {
  const stale = files(join(ROOT, "src"), ".ts").filter((source) => {
    const built = join(ROOT, "dist", relative(join(ROOT, "src"), source)).replace(/\.ts$/, ".js");
    try {
      return statSync(built).mtimeMs < statSync(source).mtimeMs;
    } catch {
      return true;
    }
  });
  expect(stale.map((p) => relative(ROOT, p)), "these sources are newer than their build: run npm run build").toEqual([]);
});
