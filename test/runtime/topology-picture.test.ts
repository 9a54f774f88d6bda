import { expect, test } from "vitest";
import { labelLines, topologySvg, topologyText, visibleTopology } from "../../src/lab/topology-picture";
import type { Topology } from "../../src/topology";

const exchange = (name: string, type: string) => ({ name, type, durable: true, autoDelete: false, internal: false, arguments: {} });
const queue = (name: string, extra: Partial<Topology["queues"][number]> = {}) => ({
  name, durable: true, exclusive: false, autoDelete: false, arguments: {}, ready: 0, unacked: 0, consumers: 0, ...extra,
});
const binding = (source: string, destination: string, routingKey = "", args: Record<string, unknown> = {}, destinationType: "queue" | "exchange" = "queue") => ({
  source, destination, destinationType, routingKey, arguments: args,
});

const topology: Topology = {
  exchanges: [exchange("", "direct"), exchange("amq.topic", "topic"), exchange("orders", "topic"), exchange("orders.dlx", "fanout"), exchange("by-format", "headers"), exchange("audit", "fanout")],
  queues: [
    queue("orders.created", { ready: 3, unacked: 1, consumers: 2, arguments: { "x-dead-letter-exchange": "orders.dlx", "x-message-ttl": 5000, "x-max-length": 10 } }),
    queue("orders.dead", { ready: 7 }),
    queue("pdfs"),
  ],
  bindings: [
    binding("", "orders.created", "orders.created"),
    binding("orders", "orders.created", "order.*.created"),
    binding("orders.dlx", "orders.dead"),
    binding("by-format", "pdfs", "", { "x-match": "all", format: "pdf" }),
    binding("orders", "audit", "#", {}, "exchange"),
  ],
};

test("built-in exchanges and the default exchange's implicit bindings are left out", () => {
  const visible = visibleTopology(topology);
  expect(visible.exchanges.map((e) => e.name)).toEqual(["orders", "orders.dlx", "by-format", "audit"]);
  expect(visible.bindings.some((b) => b.source === "")).toBe(false);
});

test("the picture names exchanges with their type, bindings with keys or headers, queues with counts and arguments", () => {
  const svg = topologySvg(topology, { source: "in-memory broker" });
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  for (const text of [
    "orders", "topic exchange", "fanout exchange", "headers exchange",
    "order.*.created", "x-match=all, format=pdf", "#",
    "ready 3 · unacked 1 · consumers 2", "DLX → orders.dlx", "message TTL 5000 ms", "max length 10 messages",
    "dead letters", "Source: in-memory broker",
  ]) expect(svg).toContain(text);
  expect(svg).not.toContain("amq.topic");
});

test("the text form says the same", () => {
  const text = topologyText(topology, { source: "s" });
  expect(text).toContain("orders --[order.*.created]--> queue orders.created");
  expect(text).toContain("orders --[#]--> exchange audit");
  expect(text).toContain("orders.dlx ----> queue orders.dead");
  expect(text).toContain("ready 3 · unacked 1 · consumers 2");
});

test("match narrows the picture; names are escaped", () => {
  const svg = topologySvg({ ...topology, queues: [...topology.queues, queue("<script>")] }, { source: "s", match: /^orders/ });
  expect(svg).not.toContain("pdfs");
  expect(svg).not.toContain("<script>");
  expect(topologySvg({ exchanges: [], queues: [], bindings: [] }, { source: "s" })).toContain("No exchanges or queues yet");
});

type Point = [number, number];
interface Rect { x: number; y: number; width: number; height: number }
const boxRects = (svg: string): Rect[] =>
  [...svg.matchAll(/<g class="(?:exchange|queue)"><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)].map(([, x, y, width, height]) => ({ x: +x!, y: +y!, width: +width!, height: +height! }));
const labelRects = (svg: string): Rect[] =>
  [...svg.matchAll(/<rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)" rx="3" class="label-bg"/g)].map(([, x, y, width, height]) => ({ x: +x!, y: +y!, width: +width!, height: +height! }));
const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
/** A rounded orthogonal path's points in order: corners appear as the curves' control points. */
const pathPoints = (d: string): Point[] => [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map(([, x, y]) => [+x!, +y!]);
const deadLetterPaths = (svg: string) => [...svg.matchAll(/<path d="([^"]+)" class="dead-letter"/g)].map(([, d]) => pathPoints(d!));
/** Straight lines with rounded corners only, none through a box. */
function expectAroundBoxes(paths: Point[][], boxes: Rect[]): void {
  for (const points of paths) {
    points.slice(1).forEach((b, i) => {
      const a = points[i]!;
      expect(a[0] === b[0] || a[1] === b[1]).toBe(true);
      const segment = { x: Math.min(a[0], b[0]), y: Math.min(a[1], b[1]), width: Math.abs(a[0] - b[0]), height: Math.abs(a[1] - b[1]) };
      // Ends touch their own boxes' edges; a 1px inset leaves only the insides.
      for (const box of boxes) expect(overlaps(segment, { x: box.x + 1, y: box.y + 1, width: box.width - 2, height: box.height - 2 })).toBe(false);
    });
  }
}

const logs: Topology = {
  exchanges: [exchange("logs", "direct")],
  queues: [queue("everything"), queue("errors")],
  bindings: [binding("logs", "everything", "info"), binding("logs", "everything", "warning"), binding("logs", "everything", "error"), binding("logs", "errors", "error")],
};

test("bindings between the same exchange and queue are one arrow labelled with every key", () => {
  const svg = topologySvg(logs, { source: "s" });
  expect(svg.match(/class="binding"/g)).toHaveLength(2);
  expect(svg).toContain(">info | warning | error<");
  const labels = labelRects(svg);
  expect(labels).toHaveLength(2);
  expect(overlaps(labels[0]!, labels[1]!)).toBe(false);
  for (const label of labels) for (const box of boxRects(svg)) expect(overlaps(label, box)).toBe(false);
});

test("a long list of keys wraps into lines that fit between the columns, a single long key stays whole", () => {
  const keys = ["order.created", "order.paid", "order.shipped", "order.cancelled", "refund.#"];
  const lines = labelLines(keys);
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(26);
  expect(lines.join(" ")).toBe(keys.join(" | ")); // each line but the last ends in " |"
  expect(labelLines(["a.very.long.routing.key.that.does.not.fit"])).toEqual(["a.very.long.routing.key.that.does.not.fit"]);
  expect(labelLines([])).toEqual([]);
});

// Lesson 04's retry topology: delay queues dead-letter back to the work exchange, above the retry and dlx exchanges.
const dl = (exchangeName: string) => ({ arguments: { "x-dead-letter-exchange": exchangeName } });
const retries: Topology = {
  exchanges: [exchange("o.work", "direct"), exchange("o.retry", "direct"), exchange("o.dlx", "fanout")],
  queues: [queue("o", dl("o.dlx")), ...[1, 2, 3, 4].map((i) => queue(`o.retry.${i}`, dl("o.work"))), queue("o.parked")],
  bindings: [binding("o.work", "o", "o"), ...[1, 2, 3, 4].map((i) => binding("o.retry", `o.retry.${i}`, String(i))), binding("o.dlx", "o.parked")],
};

test("dead-letter routes go around the boxes, never through them", () => {
  const svg = topologySvg(retries, { source: "s" });
  const paths = deadLetterPaths(svg);
  expect(paths.length).toBeGreaterThan(0);
  expectAroundBoxes(paths, boxRects(svg));
});

test("queues dead-lettering to one exchange share a route with one label; routes' labels sit on rows of their own", () => {
  const svg = topologySvg(retries, { source: "s" });
  const labels = [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)"[^>]*class="dl-label">dead letters</g)].map(([, y]) => +y!);
  expect(labels).toHaveLength(2); // to o.work and to o.dlx
  expect(Math.abs(labels[0]! - labels[1]!)).toBeGreaterThanOrEqual(14);
  expect(svg.match(/marker-end="url\(#arrow-dl\)"/g)).toHaveLength(2);
  expect(svg.match(/class="dl-join"/g)).toHaveLength(3); // o.retry.2 to .4 join o.retry.1's route
});

const viaDefault = (target: string, more: Record<string, unknown> = {}) => ({ arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": target, ...more } });
const delayedRetry: Topology = {
  exchanges: [exchange("", "direct")],
  queues: [
    queue("r.work", viaDefault("r.wait")),
    queue("r.wait", viaDefault("r.work", { "x-message-ttl": 50 })),
    queue("r.keeps-its-key", { arguments: { "x-dead-letter-exchange": "" } }),
    queue("r.to-elsewhere", viaDefault("r.not-drawn")),
  ],
  bindings: [],
};

test("dead letters through the default exchange go straight to the queue their routing key names", () => {
  const svg = topologySvg(delayedRetry, { source: "s" });
  const boxes = boxRects(svg);
  const [work, wait] = boxes as [Rect, Rect];
  const paths = deadLetterPaths(svg);
  // r.keeps-its-key sends each message on with its own routing key, and r.not-drawn is not in
  // the picture: neither has a route to draw.
  expect(paths).toHaveLength(2);
  const onRightEdge = ([x, y]: Point, box: Rect) => Math.abs(x - (box.x + box.width)) <= 2 && y > box.y && y < box.y + box.height;
  const ends = paths.map((p) => [p[0]!, p[p.length - 1]!] as const);
  expect(ends.some(([start, end]) => onRightEdge(start, work) && onRightEdge(end, wait))).toBe(true);
  expect(ends.some(([start, end]) => onRightEdge(start, wait) && onRightEdge(end, work))).toBe(true);
  expect(svg.match(/marker-end="url\(#arrow-dl\)"/g)).toHaveLength(2);
  expect(svg.match(/class="dl-label">dead letters</g)).toHaveLength(2);
  expectAroundBoxes(paths, boxes);
  // Nested, not crossed: the lane nearer the boxes spans part of the other's height only.
  const [inner, outer] = [...paths].sort((a, b) => a[1]![0] - b[1]![0]).map((p) => [p[0]![1], p[p.length - 1]![1]].sort((a, b) => a - b)) as [number[], number[]];
  expect(inner[0]).toBeGreaterThan(outer[0]!);
  expect(inner[1]).toBeLessThan(outer[1]!);
  // The picture is wide enough for the lanes.
  const width = Number(/<svg[^>]* width="(\d+)"/.exec(svg)![1]);
  for (const points of paths) for (const [x] of points) expect(x).toBeLessThan(width);
});
