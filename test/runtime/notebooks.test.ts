// Committed lessons are valid nbformat 4 with no outputs; `npm run strip` makes them so.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, test } from "vitest";
import { problems, readNotebook, stripped, text } from "../../src/runner/notebook";
import { lessonPaths } from "../../src/runner/paths";

const LESSON_IMPORT = /^import \{[^}]+\} from "\.\.\/dist";$/m;

describe.each(lessonPaths().map((path) => [basename(path), path]))("%s", (_name, path) => {
  test("is nbformat 4 and carries no outputs or execution counts (npm run strip)", () => {
    expect(problems(JSON.parse(readFileSync(path, "utf8")))).toEqual([]);
  });

  test("asks for the project's kernel and imports the helper with the one import line", () => {
    const notebook = readNotebook(path);
    expect(notebook.metadata.kernelspec).toMatchObject({ name: "tslab", language: "typescript" });
    const firstCode = notebook.cells.find((c) => c.cell_type === "code");
    expect(text(firstCode!.source)).toMatch(LESSON_IMPORT);
  });

  test("code cells stay short (15 lines at most)", () => {
    for (const cell of readNotebook(path).cells.filter((c) => c.cell_type === "code")) {
      expect(text(cell.source).split("\n").length, text(cell.source)).toBeLessThanOrEqual(15);
    }
  });

  // Debian's jupyter-notebook brings Python's nbformat: the reference validator, where it is installed.
  const python = "/usr/bin/python3";
  const hasNbformat = existsSync(python) && spawnSync(python, ["-c", "import nbformat"]).status === 0;
  // CI installs it (.ci/run), so there the reference validator always runs.
  test.skipIf(!hasNbformat && !process.env.CI)("passes nbformat's own validator", () => {
    expect(hasNbformat, "Python's nbformat is missing: .ci/run installs it with jupyter-notebook").toBe(true);
    const run = spawnSync(python, ["-c", "import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", path], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});

test("strip removes outputs, counts and run state, and keeps everything else", () => {
  const executed = {
    nbformat: 4 as const, nbformat_minor: 5, metadata: { kernelspec: { name: "tslab" } },
    cells: [
      { cell_type: "code" as const, id: "a", metadata: { scrolled: true, tags: ["x"] }, source: "1", execution_count: 3, outputs: [{ output_type: "stream" as const, name: "stdout" as const, text: "1\n" }] },
      { cell_type: "markdown" as const, id: "b", metadata: {}, source: "# t" },
    ],
  };
  expect(stripped(executed).cells).toEqual([
    { cell_type: "code", id: "a", metadata: { tags: ["x"] }, source: "1", execution_count: null, outputs: [] },
    { cell_type: "markdown", id: "b", metadata: {}, source: "# t" },
  ]);
  expect(problems(executed)).toEqual(["cell 1: has outputs (run npm run strip)", "cell 1: has an execution count (run npm run strip)"]);
});
