// Every lesson runs headless, top to bottom, on the in-memory broker and, with AMQP_URL set,
// on the live broker too: a lesson that fails here fails for a learner.
import { basename } from "node:path";
import { describe, expect, test } from "vitest";
import type { DisplayDataOutput } from "../../src/runner/notebook";
import { lessonPaths } from "../../src/runner/paths";
import { runLesson } from "../../src/runner/run-lesson";

const { AMQP_URL, ...withoutUrl } = process.env;
const targets: [string, NodeJS.ProcessEnv][] = [["in-memory broker", withoutUrl]];
if (AMQP_URL) targets.push(["live broker", process.env]);

describe.each(targets)("on the %s", (_broker, env) => {
  test.each(lessonPaths().map((p) => [basename(p, ".ipynb"), p]))("%s runs without a failing cell", { timeout: 180_000 }, async (_name, path) => {
    const result = await runLesson(path, { env, cellTimeoutMs: 60_000 });
    const f = result.failure;
    expect(f, f && `cell ${f.cell} failed:\n${f.source}\n--- error ---\n${f.error}`).toBeUndefined();
    expect(result.executed).toBe(result.codeCells);

    if (result.name === "00-setup") {
      const displays = result.notebook.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : [])).filter((o): o is DisplayDataOutput => o.output_type === "display_data");
      const chart = displays.find((o) => "application/vnd.vegalite.v5+json" in o.data);
      expect(Object.keys(chart?.data ?? {})).toEqual(["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"]);
      const picture = displays.find((o) => String(o.data["text/plain"]).startsWith("Broker topology"));
      expect(String(picture?.data["image/svg+xml"])).toContain("setup.greetings");
      const outputs = result.notebook.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : []));
      expect(JSON.stringify(outputs), "a password was printed").not.toMatch(/\/\/[^:/@"]+:(?!\*\*\*\*@)[^@"]+@/);
    }
  });
});
