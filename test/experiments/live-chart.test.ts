// The live chart is one output updated in place (update_display_data with its display_id) and
// finally replaced by the results above the whole timeline.
import { createRequire } from "node:module";
import { afterEach, expect, test, vi } from "vitest";
import type { ExperimentProgress } from "../../src/experiments/harness";
import { liveChart, timelineSpec } from "../../src/experiments/live-chart";
import { TSLAB_JUPYTER_MODULE } from "../../src/lab/display";

const require = createRequire(import.meta.url);
type Sent = { content: { data: Record<string, unknown>; transient: { display_id?: string } }; update: boolean };
type Jupyter = { lastWriteDisplayData: ((content: unknown, update: boolean) => void) | null };

afterEach(() => {
  const jupyter = require.cache[require.resolve(TSLAB_JUPYTER_MODULE)]?.exports as Jupyter | undefined;
  if (jupyter) jupyter.lastWriteDisplayData = null;
  vi.restoreAllMocks();
});

const tick = (elapsedS: number, queueDepth: number | null): ExperimentProgress => ({ phase: "manual-ack: throughput", done: 10, total: 100, elapsedS, sendRate: 500, receiveRate: 400, queueDepth });

test("in a kernel: one display, then in-place updates and the final chart under the same id", async () => {
  const jupyter = require(TSLAB_JUPYTER_MODULE) as Jupyter;
  const sent: Sent[] = [];
  jupyter.lastWriteDisplayData = (content, update) => sent.push({ content, update } as Sent);

  const live = await liveChart({ title: "Running", source: "in-memory broker", everyMs: 0 });
  live.update(tick(0.1, 5));
  await vi.waitFor(() => expect(sent.length).toBe(2));
  live.update(tick(0.2, null));
  await live.finish([{ mode: "manual-ack", "msg/s": 400 }], { x: "mode", y: "msg/s", title: "Result", source: "in-memory broker" });

  const id = sent[0]!.content.transient.display_id;
  expect(id).toMatch(/^live-/);
  expect(sent.map((s) => [s.update, s.content.transient.display_id])).toEqual(sent.map((_, i) => [i > 0, id]));
  expect(String(sent[1]!.content.data["text/plain"])).toContain("queue depth 5");
  const final = sent.at(-1)!.content.data;
  const spec = final["application/vnd.vegalite.v5+json"] as { vconcat: { title?: { text: string } }[] };
  expect(spec.vconcat.map((v) => v.title?.text)).toEqual(["Result", "Timeline of the run (0.2 s)"]);
  expect(String(final["image/svg+xml"])).toContain("<svg");
  expect(String(final["text/plain"])).toContain("manual-ack");
});

test("outside a kernel nothing is drawn while it runs and the final chart's text is printed", async () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const live = await liveChart({ title: "Running", source: "in-memory broker", everyMs: 0 });
  live.update(tick(0.1, 5));
  expect(log).not.toHaveBeenCalled();
  await live.finish([{ mode: "auto-ack", "msg/s": 900 }], { x: "mode", y: "msg/s", title: "Result", source: "in-memory broker" });
  expect(log).toHaveBeenCalledTimes(1);
  expect(String(log.mock.calls[0]![0])).toMatch(/auto-ack\s+900/);
});

test("the timeline puts throughput above queue depth", () => {
  const spec = timelineSpec([{ "time (s)": 1, series: "sent", value: 3, phase: "p" }], "T", "S");
  const panels = spec.vconcat as { encoding: { y: { title: string } } }[];
  expect(panels.map((p) => p.encoding.y.title)).toEqual(["msg/s", "queue depth (messages)"]);
});
