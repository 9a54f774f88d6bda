// display.ts is the one module that uses tslab internals: this pins the internals it relies on.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { afterEach, expect, test, vi } from "vitest";
import { displayBundle, inKernel, TSLAB_JUPYTER_MODULE, updateDisplay } from "../../src/lab/display";

const require = createRequire(import.meta.url);
type Jupyter = { lastWriteDisplayData: ((content: unknown, update: boolean) => void) | null };

afterEach(() => {
  const jupyter = require.cache[require.resolve(TSLAB_JUPYTER_MODULE)]?.exports as Jupyter | undefined;
  if (jupyter) jupyter.lastWriteDisplayData = null;
  vi.restoreAllMocks();
});

test("tslab is pinned to the exact version whose internals display.ts uses", () => {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> };
  expect(pkg.dependencies.tslab).toBe("1.0.22");
  expect((require("tslab/package.json") as { version: string }).version).toBe("1.0.22");
});

test("outside a kernel the text part goes to stdout", () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  expect(inKernel()).toBe(false);
  displayBundle({ "image/svg+xml": "<svg/>", "text/plain": "the numbers" });
  expect(log).toHaveBeenCalledWith("the numbers");
});

test("inside a kernel one display_data message carries every representation", () => {
  const jupyter = require(TSLAB_JUPYTER_MODULE) as Jupyter;
  expect(jupyter).toHaveProperty("lastWriteDisplayData");
  const sent: unknown[] = [];
  jupyter.lastWriteDisplayData = (content, update) => sent.push({ content, update });
  const bundle = { "application/vnd.vegalite.v5+json": { mark: "bar" }, "image/svg+xml": "<svg/>", "text/plain": "t" };
  expect(inKernel()).toBe(true);
  displayBundle(bundle);
  expect(sent).toEqual([{ content: { data: bundle, metadata: {}, transient: {} }, update: false }]);
});

test("a display with an id is replaced in place by update_display_data carrying the same id", () => {
  const jupyter = require(TSLAB_JUPYTER_MODULE) as Jupyter;
  const sent: unknown[] = [];
  jupyter.lastWriteDisplayData = (content, update) => sent.push({ content, update });
  displayBundle({ "text/plain": "tick 0" }, "live-1");
  expect(updateDisplay("live-1", { "text/plain": "tick 1" })).toBe(true);
  expect(sent).toEqual([
    { content: { data: { "text/plain": "tick 0" }, metadata: {}, transient: { display_id: "live-1" } }, update: false },
    { content: { data: { "text/plain": "tick 1" }, metadata: {}, transient: { display_id: "live-1" } }, update: true },
  ]);
});

test("outside a kernel an update prints nothing and says it reached no display", () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  expect(updateDisplay("live-1", { "text/plain": "tick 1" })).toBe(false);
  expect(log).not.toHaveBeenCalled();
});
