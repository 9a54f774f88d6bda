// Results as Vega-Lite v5 charts. Each chart is shown as one output with three representations:
// the Vega-Lite spec (JupyterLab draws it, interactive), an SVG rendered here with vega (classic
// Notebook, VS Code, GitHub and the HTML pages draw no Vega-Lite), and the numbers as a text
// table. vega and vega-lite stay on major 5: 6 is ESM-only and cannot be loaded from a cell, and
// JupyterLab 4 renders the v5 MIME type only.
import * as vega from "vega";
import * as vl from "vega-lite";
import { displayBundle, type MimeBundle } from "./display";
import { textTable, type Cell } from "./text-table";

export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";
const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** A Vega-Lite v5 specification (see https://vega.github.io/vega-lite/docs/). */
export interface VegaLiteSpec {
  [property: string]: unknown;
}

type Field<R> = keyof R & string;

export interface ChartOptions<R extends object> {
  /** Field of each row along the x axis. */
  x: Field<R>;
  /** Numeric field along the y axis; name it with its unit ("msg/s", "latency (ms)") or pass `unit`. */
  y: Field<R>;
  /** What the chart shows, in words. */
  title: string;
  /** Where the numbers came from: "in-memory broker", "RabbitMQ 3.10.8 on this machine", "recorded reference (...)". */
  source: string;
  /** The unit of y when the field name does not say it. */
  unit?: string;
  /** Field that splits rows into series (one colour each, bars side by side). */
  color?: Field<R>;
  width?: number;
  height?: number;
}

export interface CustomChartOptions {
  /** Where the numbers came from; printed under the chart. */
  source: string;
  /** Rows to show as the text table (default: the spec's inline `data.values`). */
  table?: readonly object[];
}

/** Bar chart: one bar per x value (side by side per `color` series). */
export function barSpec<R extends object>(rows: readonly R[], options: ChartOptions<R>): VegaLiteSpec {
  const spec = baseSpec(rows, options, "bar");
  if (options.color) {
    const encoding = spec.encoding as Record<string, unknown>;
    encoding.xOffset = { field: escapeField(options.color), type: "nominal" };
  }
  return spec;
}

/** Line chart with points: y against a numeric (or ordered) x. */
export function lineSpec<R extends object>(rows: readonly R[], options: ChartOptions<R>): VegaLiteSpec {
  return baseSpec(rows, options, "line");
}

function baseSpec<R extends object>(rows: readonly R[], options: ChartOptions<R>, mark: "bar" | "line"): VegaLiteSpec {
  const xValues = rows.map((row) => (row as Record<string, unknown>)[options.x]);
  const numericX = xValues.length > 0 && xValues.every((v) => typeof v === "number");
  const xType = numericX ? (mark === "bar" ? "ordinal" : "quantitative") : "nominal";
  const encoding: Record<string, unknown> = {
    // sort: null keeps the order the rows were measured in rather than alphabetical.
    x: { field: escapeField(options.x), type: xType, title: options.x, sort: null, ...(xType === "nominal" ? { axis: { labelAngle: 0 } } : {}) },
    y: { field: escapeField(options.y), type: "quantitative", title: options.unit ? `${options.y} (${options.unit})` : options.y },
    tooltip: [options.x, options.y, ...(options.color ? [options.color] : [])].map((f) => ({ field: escapeField(f) })),
  };
  if (options.color) encoding.color = { field: escapeField(options.color), type: "nominal", title: options.color, sort: null };
  return {
    $schema: SCHEMA,
    title: { text: options.title, subtitle: `Source: ${options.source}`, anchor: "start" },
    width: options.width ?? 360,
    height: options.height ?? 220,
    data: { values: rows.map((row) => ({ ...row })) },
    mark: mark === "bar" ? { type: "bar" } : { type: "line", point: true },
    encoding,
  };
}

// Vega-Lite reads "." and "[" in a field name as a path into nested objects.
function escapeField(field: string): string {
  return field.replace(/[.[\]\\]/g, (c) => `\\${c}`);
}

/** The chart as a standalone SVG document, rendered by vega in this process. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The text a chart carries for readers that draw nothing: title, the numbers, the source. */
export function chartText(spec: VegaLiteSpec, table: readonly object[], source: string): string {
  const title = spec.title as { text?: unknown } | string | undefined;
  const heading = typeof title === "string" ? title : typeof title?.text === "string" ? title.text : "Chart";
  const columns = [...new Set(table.flatMap((row) => Object.keys(row)))];
  const rows = table.map((row) => columns.map((c) => (row as Record<string, Cell>)[c]));
  return `${heading}\n\n${textTable(columns, rows)}\n\nSource: ${source}`;
}

export async function chartBundle(spec: VegaLiteSpec, table: readonly object[], source: string): Promise<MimeBundle> {
  return {
    [VEGALITE_MIME]: spec,
    "image/svg+xml": await renderSvg(spec),
    "text/plain": chartText(spec, table, source),
  };
}

function inlineValues(spec: VegaLiteSpec): readonly object[] {
  const values = (spec.data as { values?: unknown } | undefined)?.values;
  return Array.isArray(values) ? (values as object[]) : [];
}

/** Charts for lessons. Each call shows one chart in the notebook and resolves once it is sent. */
export const chart = {
  async bar<R extends object>(rows: readonly R[], options: ChartOptions<R>): Promise<void> {
    displayBundle(await chartBundle(barSpec(rows, options), rows, options.source));
  },
  async line<R extends object>(rows: readonly R[], options: ChartOptions<R>): Promise<void> {
    displayBundle(await chartBundle(lineSpec(rows, options), rows, options.source));
  },
  /** Any Vega-Lite v5 spec, for charts the shortcuts do not cover. */
  async vegaLite(spec: VegaLiteSpec, options: CustomChartOptions): Promise<void> {
    const withSchema = { $schema: SCHEMA, ...spec };
    displayBundle(await chartBundle(withSchema, options.table ?? inlineValues(spec), options.source));
  },
};
