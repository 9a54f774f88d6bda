import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";

/** The repository: two levels above this file in src/runner and in dist/runner alike. */
export const ROOT = resolve(__dirname, "../..");
export const NOTEBOOKS = join(ROOT, "notebooks");
export const OUT = join(ROOT, "out");
/** Project-local Jupyter data: the kernel spec lives here, not in the user's folders. */
export const JUPYTER_LOCAL = join(ROOT, ".jupyter-local");
export const TSLAB_BIN = join(ROOT, "node_modules", "tslab", "bin", "tslab");

/** The lessons, in teaching order. */
export function lessonPaths(dir = NOTEBOOKS): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".ipynb"))
    .sort()
    .map((name) => join(dir, name));
}
