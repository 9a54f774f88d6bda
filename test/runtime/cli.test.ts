// npm start's contract: a failing cell makes the run exit non-zero and shows the cell and its error.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { ROOT } from "../../src/runner/paths";

const code = (source: string) => ({ cell_type: "code", id: source.slice(0, 8).replace(/\W/g, "x"), metadata: {}, source, outputs: [], execution_count: null });

test("a failing cell: exit status 1, its source and error shown, the page and notebook written", { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "lesson-"));
  const lesson = join(dir, "99-broken.ipynb");
  writeFileSync(lesson, JSON.stringify({
    nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tslab" } },
    cells: [
      { cell_type: "markdown", id: "intro", metadata: {}, source: "# Broken" },
      code('const greeting: string = "hello";\nconsole.log(greeting);'),
      code('throw new Error("the queue was not declared");'),
      code('console.log("never runs");'),
    ],
  }));
  const out = join(dir, "out");
  const run = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/runner/cli.ts"), lesson, "--out", out], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(1);
  expect(run.stdout).toMatch(/99-broken\s+2\/3\s+[\d.]+\s+1/);
  expect(run.stdout).toContain("✗ 99-broken, cell 3 failed:");
  expect(run.stdout).toContain('    throw new Error("the queue was not declared");');
  expect(run.stdout).toContain("Error: the queue was not declared");
  expect(readFileSync(join(out, "99-broken.html"), "utf8")).toContain("failed at cell 3");
  expect(existsSync(join(out, "99-broken.ipynb"))).toBe(true);
  expect(readFileSync(join(out, "index.html"), "utf8")).toContain("99-broken.html");
});

test("an unknown lesson name lists the lessons there are", () => {
  const run = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "src/runner/cli.ts"), "no-such-lesson"], { encoding: "utf8" });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain("00-setup");
});
