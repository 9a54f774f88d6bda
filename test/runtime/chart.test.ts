import { expect, test } from "vitest";
import { barSpec, chartBundle, chartText, lineSpec, renderSvg, VEGALITE_MIME } from "../../src/lab/chart";
import { textTable } from "../../src/lab/text-table";

const rows = [
  { mode: "no confirms", "msg/s": 41000 },
  { mode: "confirm each", "msg/s": 1250.5 },
];
const options = { x: "mode", y: "msg/s", title: "Publish throughput", source: "in-memory broker" } as const;

test("a bar chart spec is Vega-Lite v5 with title, source, axis titles and the rows inline", () => {
  const spec = barSpec(rows, options);
  expect(spec.$schema).toBe("https://vega.github.io/schema/vega-lite/v5.json");
  expect(spec.title).toMatchObject({ text: "Publish throughput", subtitle: "Source: in-memory broker" });
  expect(spec.data).toEqual({ values: rows });
  expect(spec.encoding).toMatchObject({ x: { field: "mode", type: "nominal", sort: null }, y: { field: "msg/s", title: "msg/s" } });
});

test("unit goes into the y axis title; dots in field names are escaped", () => {
  const spec = lineSpec([{ "p99.latency": 3, n: 1 }], { x: "n", y: "p99.latency", unit: "ms", title: "t", source: "s" });
  expect(spec.encoding).toMatchObject({ x: { type: "quantitative" }, y: { field: "p99\\.latency", title: "p99.latency (ms)" } });
});

test("the bundle carries the spec, an SVG drawn by vega and the numbers as text", async () => {
  const spec = barSpec(rows, options);
  const bundle = await chartBundle(spec, rows, options.source);
  expect(Object.keys(bundle)).toEqual([VEGALITE_MIME, "image/svg+xml", "text/plain"]);
  const svg = bundle["image/svg+xml"] as string;
  expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  for (const label of ["Publish throughput", "Source: in-memory broker", "no confirms", "msg/s"]) expect(svg).toContain(label);
  expect(bundle["text/plain"]).toBe(chartText(spec, rows, "in-memory broker"));
});

test("the text table lines numbers up on their decimals", () => {
  expect(chartText(barSpec(rows, options), rows, "in-memory broker")).toBe(
    ["Publish throughput", "", "mode            msg/s", "------------  -------", "no confirms   41000.0", "confirm each   1250.5", "", "Source: in-memory broker"].join("\n"),
  );
  expect(textTable(["a"], [])).toBe("a\n-");
});

test("grouped bars get one colour per series, side by side", async () => {
  const grouped = [
    { size: "1 KB", mode: "transient", "msg/s": 10 },
    { size: "1 KB", mode: "persistent", "msg/s": 5 },
  ];
  const spec = barSpec(grouped, { x: "size", y: "msg/s", color: "mode", title: "t", source: "s" });
  expect(spec.encoding).toMatchObject({ color: { field: "mode" }, xOffset: { field: "mode" } });
  expect(await renderSvg(spec)).toContain("persistent");
});
