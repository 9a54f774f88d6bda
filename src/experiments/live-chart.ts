// A chart that redraws in place while an experiment runs: one output in the notebook, updated
// with Jupyter display updates (not a new output per tick), then replaced by the final chart.
// Outside a kernel nothing is drawn while it runs and the final chart's text is printed.
import { randomUUID } from "node:crypto";
import { barSpec, chartBundle, type ChartOptions, type VegaLiteSpec } from "../lab/chart";
import { displayBundle, inKernel, updateDisplay } from "../lab/display";
import type { ExperimentProgress } from "./harness";

export interface LiveChartOptions {
  /** What runs, in words. */
  title: string;
  /** Where the numbers come from (describeBroker(conn)). */
  source: string;
  /** Redraw at most this often (each redraw renders an SVG: keep it rare while measuring). */
  everyMs?: number;
}

export interface LiveChart {
  /** Pass as the experiment's `onProgress`. */
  readonly update: (progress: ExperimentProgress) => void;
  /** Replaces the live chart with a bar chart of the results above the whole timeline. */
  finish<R extends object>(rows: readonly R[], options: ChartOptions<R>): Promise<void>;
}

interface TimelineRow {
  "time (s)": number;
  series: "sent" | "received" | "queue depth";
  value: number;
  phase: string;
}

/** Throughput (sent, received) over time above the queue's depth over time. */
export function timelineSpec(rows: readonly TimelineRow[], title: string, source: string, width = 720): VegaLiteSpec {
  const x = { field: "time (s)", type: "quantitative", title: "time (s)" };
  const tooltip = [{ field: "time (s)" }, { field: "series" }, { field: "value" }, { field: "phase" }];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: { text: title, subtitle: `Source: ${source}`, anchor: "start" },
    data: { values: rows.map((r) => ({ ...r })) },
    vconcat: [
      {
        width,
        height: 160,
        transform: [{ filter: "datum.series !== 'queue depth'" }],
        mark: { type: "line", point: true },
        encoding: { x, y: { field: "value", type: "quantitative", title: "msg/s" }, color: { field: "series", type: "nominal", title: null, sort: null }, tooltip },
      },
      {
        width,
        height: 90,
        transform: [{ filter: "datum.series === 'queue depth'" }],
        mark: { type: "area", line: true, opacity: 0.3 },
        encoding: { x, y: { field: "value", type: "quantitative", title: "queue depth (messages)" }, tooltip },
      },
    ],
  };
}

/** Shows an empty timeline now; `update` redraws it in place, `finish` replaces it. */
export async function liveChart(options: LiveChartOptions): Promise<LiveChart> {
  const id = `live-${randomUUID()}`;
  const everyMs = options.everyMs ?? 1000;
  const rows: TimelineRow[] = [];
  let latest: ExperimentProgress | undefined;
  let lastDraw = 0;
  let drawing: Promise<void> | undefined;
  const kernel = inKernel();

  const status = () =>
    latest
      ? `${options.title}: ${latest.phase}, ${latest.done} of ${latest.total} messages, ${latest.sendRate} msg/s sent, ${latest.receiveRate} msg/s received, queue depth ${latest.queueDepth ?? "-"}`
      : `${options.title}: starting`;
  const bundle = async () => {
    const spec = timelineSpec(rows, options.title, options.source);
    return { ...(await chartBundle(spec, [], options.source)), "text/plain": status() };
  };
  if (kernel) displayBundle(await bundle(), id);

  const draw = () => {
    lastDraw = performance.now();
    drawing = bundle()
      .then((b) => void updateDisplay(id, b))
      .catch(() => undefined)
      .finally(() => (drawing = undefined));
  };

  return {
    update(progress) {
      latest = progress;
      const t = Math.round(progress.elapsedS * 100) / 100;
      rows.push({ "time (s)": t, series: "sent", value: progress.sendRate, phase: progress.phase });
      rows.push({ "time (s)": t, series: "received", value: progress.receiveRate, phase: progress.phase });
      if (progress.queueDepth !== null) rows.push({ "time (s)": t, series: "queue depth", value: progress.queueDepth, phase: progress.phase });
      if (kernel && !drawing && performance.now() - lastDraw >= everyMs) draw();
    },
    async finish(resultRows, chartOptions) {
      await drawing;
      const summary = barSpec(resultRows, chartOptions);
      delete summary.$schema;
      const timeline = timelineSpec(rows, `Timeline of the run (${rows.length === 0 ? "no samples" : `${latest?.elapsedS.toFixed(1)} s`})`, options.source);
      delete timeline.$schema;
      const final: VegaLiteSpec = {
        $schema: "https://vega.github.io/schema/vega-lite/v5.json",
        vconcat: [summary, timeline],
        // The result's series (send, receive) and the timeline's (sent, received) keep their own colours and legends.
        resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
      };
      const b = await chartBundle(final, resultRows, chartOptions.source);
      if (kernel) updateDisplay(id, b);
      else displayBundle(b);
    },
  };
}
