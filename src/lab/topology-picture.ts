// A broker's topology as a picture: exchanges on the left, queues on the right, bindings as
// arrows labelled with what they match, dead-letter routes as dashed arrows back to their
// exchange, or to their queue when they go through the default exchange. Plain SVG built by
// hand: the layout is three columns at most, and a dependency would not make that simpler.
import type { Topology, TopologyBinding, TopologyExchange, TopologyQueue } from "../topology";
import { formatCell, type Cell } from "./text-table";
import {
  deadLetterRoutes, laneInset, queueLaneWidth, queueToQueueLanes, queueToQueueRoutes, roundedPath, routeLanes, type Point,
} from "./dead-letter-routes";

export interface PictureOptions {
  /** Where the topology was read from, printed under the picture. */
  source: string;
  /** Draw only exchanges and queues whose names match. */
  match?: RegExp;
}

const FONT = 12;
const CHAR = 7; // average glyph width of 12px sans-serif, close enough to size boxes
const CAPTION_CHAR = 6.2; // the same at 11px
const LINE = 16;
const PAD = 8;
const COLUMN_GAP = 190; // room for binding labels between columns
const ROW_GAP = 22;
const MARGIN = 20;
const MONO_CHAR = 7.25; // glyph width of 12px monospace, for binding labels
const LABEL_CHARS = 24; // a binding label's line, to fit in COLUMN_GAP

interface Box {
  kind: "exchange" | "queue";
  name: string;
  lines: string[];
  column: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The parts of a topology worth drawing: RabbitMQ's built-in exchanges and the default exchange's implicit bindings are left out unless used. */
export function visibleTopology(topology: Topology, match?: RegExp): Topology {
  const bindings = topology.bindings.filter(
    (b) => b.source !== "" && (!match || match.test(b.source) || match.test(b.destination)),
  );
  const used = new Set(bindings.flatMap((b) => [b.source, ...(b.destinationType === "exchange" ? [b.destination] : [])]));
  const queues = topology.queues.filter((q) => !match || match.test(q.name));
  for (const q of queues) {
    const dlx = q.arguments["x-dead-letter-exchange"];
    if (typeof dlx === "string" && dlx !== "") used.add(dlx);
  }
  const builtIn = (e: TopologyExchange) => e.name === "" || e.name.startsWith("amq.");
  const exchanges = topology.exchanges.filter((e) =>
    used.has(e.name) || (!builtIn(e) && (!match || match.test(e.name))),
  );
  return { exchanges, queues, bindings };
}

function exchangeLines(e: TopologyExchange): string[] {
  const lines = [e.name === "" ? "(default exchange)" : e.name, `${e.type} exchange${e.durable ? "" : ", transient"}`];
  return [...lines, ...argumentLines(e.arguments)];
}

function queueLines(q: TopologyQueue): string[] {
  const flags = [q.exclusive && "exclusive", q.autoDelete && "auto-delete", !q.durable && "transient"].filter(Boolean);
  return [
    q.name,
    `ready ${q.ready} · unacked ${q.unacked} · consumers ${q.consumers}`,
    ...(flags.length ? [flags.join(", ")] : []),
    ...argumentLines(q.arguments),
  ];
}

const ARGUMENT_NAMES: Record<string, (v: Cell) => string> = {
  "x-dead-letter-exchange": (v) => `DLX → ${v === "" ? "(default exchange)" : formatCell(v)}`,
  "x-dead-letter-routing-key": (v) => `DL routing key: ${formatCell(v)}`,
  "x-message-ttl": (v) => `message TTL ${formatCell(v)} ms`,
  "x-expires": (v) => `queue expires after ${formatCell(v)} ms unused`,
  "x-max-length": (v) => `max length ${formatCell(v)} messages`,
  "x-max-length-bytes": (v) => `max length ${formatCell(v)} bytes`,
  "x-overflow": (v) => `overflow: ${formatCell(v)}`,
  "x-max-priority": (v) => `priorities 0–${formatCell(v)}`,
  "x-queue-type": (v) => `${formatCell(v)} queue`,
  "x-delivery-limit": (v) => `delivery limit ${formatCell(v)}`,
  "alternate-exchange": (v) => `alternate exchange → ${formatCell(v)}`,
};

export function argumentLines(args: Record<string, unknown>): string[] {
  return Object.entries(args).map(([key, value]) => {
    const cell = typeof value === "object" && value !== null ? JSON.stringify(value) : (value as Cell);
    return ARGUMENT_NAMES[key]?.(cell) ?? `${key}: ${formatCell(cell)}`;
  });
}

/** What a binding matches, as its arrow's label. */
export function bindingLabel(binding: TopologyBinding, sourceType: string | undefined): string {
  if (sourceType === "headers") {
    const entries = Object.entries(binding.arguments);
    return entries.length ? entries.map(([k, v]) => `${k}=${formatCell(v as Cell)}`).join(", ") : "(no headers)";
  }
  if (sourceType === "fanout") return "";
  return binding.routingKey === "" ? '""' : binding.routingKey;
}

function layout(topology: Topology): Box[] {
  // An exchange bound to another exchange sits one column to its right.
  const depth = new Map(topology.exchanges.map((e) => [e.name, 0]));
  for (let pass = 0; pass < topology.exchanges.length; pass++) {
    let changed = false;
    for (const b of topology.bindings) {
      if (b.destinationType !== "exchange" || b.source === b.destination) continue;
      const next = Math.min((depth.get(b.source) ?? 0) + 1, 3);
      if (next > (depth.get(b.destination) ?? 0)) {
        depth.set(b.destination, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const queueColumn = Math.max(0, ...depth.values()) + 1;
  const boxes: Box[] = [
    ...topology.exchanges.map((e) => box("exchange", e.name, exchangeLines(e), depth.get(e.name) ?? 0)),
    ...topology.queues.map((q) => box("queue", q.name, queueLines(q), queueColumn)),
  ];
  const columns = [...new Set(boxes.map((b) => b.column))].sort((a, b) => a - b);
  const heights = columns.map((c) => columnHeight(boxes.filter((b) => b.column === c)));
  const tallest = Math.max(0, ...heights);
  let x = MARGIN;
  columns.forEach((column, i) => {
    const inColumn = boxes.filter((b) => b.column === column);
    let y = MARGIN + 40 + (tallest - heights[i]!) / 2;
    for (const b of inColumn) {
      b.x = x;
      b.y = y;
      y += b.height + ROW_GAP;
    }
    x += Math.max(...inColumn.map((b) => b.width)) + COLUMN_GAP;
  });
  return boxes;
}

function box(kind: Box["kind"], name: string, lines: string[], column: number): Box {
  const width = Math.max(150, ...lines.map((l, i) => l.length * (i === 0 ? CHAR + 0.6 : CHAR))) + 2 * PAD;
  return { kind, name, lines, column, x: 0, y: 0, width: Math.ceil(width), height: lines.length * LINE + 2 * PAD - 2 };
}

function columnHeight(boxes: Box[]): number {
  return boxes.reduce((sum, b) => sum + b.height, 0) + ROW_GAP * Math.max(0, boxes.length - 1);
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The topology as a standalone SVG document. */
export function topologySvg(full: Topology, options: PictureOptions): string {
  const topology = visibleTopology(full, options.match);
  const boxes = layout(topology);
  const find = (kind: Box["kind"], name: string) => boxes.find((b) => b.kind === kind && b.name === name);
  const arrows = bindingArrows(topology, find);
  const routes = deadLetterRoutes(topology, find, (b) => arrows.some((a) => a.to === b));
  // Dead-letter lanes run left of the exchanges they return to: make room left of the first column.
  const inset = laneInset(routes);
  for (const b of boxes) b.x += inset;
  const direct = queueToQueueRoutes(topology, find);
  const directLanes = queueToQueueLanes(direct, boxes);
  const lanes = routeLanes(routes, boxes, queueLaneWidth(direct));
  const legend = "Exchanges ▢ rounded, queues ▭ square; every queue is also bound to the default exchange by its own name (not drawn).";
  const captions = [`Source: ${options.source}`, legend].map((c) => c.length * CAPTION_CHAR + 2 * MARGIN);
  const right = Math.max(0, ...boxes.map((b) => b.x + b.width), ...lanes.map((l) => l.laneX), ...directLanes.map((l) => l.laneX + 8));
  const width = Math.ceil(Math.max(420, ...captions, right + MARGIN));
  const bottom = Math.max(MARGIN + 40, ...boxes.map((b) => b.y + b.height), ...lanes.map((l) => l.rowY));
  const parts: string[] = [];
  const taken: Rect[] = [...boxes];

  for (const arrow of arrows) {
    const { from, to } = arrow;
    const x1 = from.x + from.width;
    const y1 = from.y + from.height / 2;
    const x2 = to.x;
    const y2 = to.y + to.height / 2;
    const bend = Math.max(40, (x2 - x1) / 2);
    parts.push(`<path d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2 - 2},${y2}" class="binding" marker-end="url(#arrow)"/>`);
    if (arrow.labels.length) parts.push(label(labelLines(arrow.labels), (x1 + x2) / 2, (y1 + y2) / 2, taken));
  }

  for (const lane of lanes) {
    parts.push(`<path d="${roundedPath(lane.trunk)}" class="dead-letter" marker-end="url(#arrow-dl)"/>`);
    for (const stub of lane.stubs) {
      const [, [jx, jy]] = stub as [Point, Point];
      parts.push(`<path d="${roundedPath(stub)}" class="dead-letter"/>`, `<circle cx="${jx}" cy="${jy}" r="2.5" class="dl-join"/>`);
    }
    // On the route's own row under the picture, so each route's label has a row to itself.
    parts.push(`<text x="${(lane.laneX + lane.backX) / 2}" y="${lane.rowY + 4}" text-anchor="middle" class="dl-label">dead letters</text>`);
  }

  for (const lane of directLanes) {
    parts.push(`<path d="${roundedPath(lane.path)}" class="dead-letter" marker-end="url(#arrow-dl)"/>`);
    // Along its own lane, reading upwards, so parallel lanes keep their labels apart.
    const at = `${lane.laneX} ${lane.labelY}`;
    parts.push(`<text x="${lane.laneX}" y="${lane.labelY}" dy="4" transform="rotate(-90 ${at})" text-anchor="middle" class="dl-label">dead letters</text>`);
  }

  for (const b of boxes) {
    parts.push(`<g class="${b.kind}"><rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="${b.kind === "exchange" ? 10 : 2}"/>`);
    b.lines.forEach((line, i) => {
      parts.push(`<text x="${b.x + PAD}" y="${b.y + PAD + 12 + i * LINE}"${i === 0 ? ' class="name"' : ""}>${esc(line)}</text>`);
    });
    parts.push("</g>");
  }

  const empty = boxes.length === 0;
  if (empty) parts.push(`<text x="${MARGIN}" y="${MARGIN + 60}">No exchanges or queues yet (RabbitMQ's built-in exchanges are not drawn).</text>`);
  const height = (empty ? MARGIN + 80 : bottom) + 50;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${FONT}">`,
    "<style>",
    ".exchange rect{fill:#fff4e0;stroke:#e07b00;stroke-width:1.5}.queue rect{fill:#e8f1fb;stroke:#2b6cb0;stroke-width:1.5}",
    ".name{font-weight:bold}.binding{fill:none;stroke:#555;stroke-width:1.4}.dead-letter{fill:none;stroke:#c53030;stroke-width:1.4;stroke-dasharray:5 4}.dl-join{fill:#c53030}",
    ".key{fill:#222;font-family:monospace}.label-bg{fill:#fff;stroke:#ccc}.caption{fill:#666;font-size:11px}.title{font-size:14px;font-weight:bold}",
    ".dl-label{fill:#c53030;font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}",
    "</style>",
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#555"/></marker>',
    '<marker id="arrow-dl" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#c53030"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${MARGIN}" y="${MARGIN + 8}" class="title">Broker topology</text>`,
    `<text x="${MARGIN}" y="${MARGIN + 26}" class="caption">Source: ${esc(options.source)}</text>`,
    ...parts,
    `<text x="${MARGIN}" y="${height - 14}" class="caption">${esc(legend)}</text>`,
    "</svg>",
  ].join("\n");
}

interface Arrow {
  from: Box;
  to: Box;
  labels: string[];
}

/**
 * One arrow per pair of boxes, labelled with every key that binds them: separate arrows would
 * coincide and their labels pile up (a direct exchange bound to one queue as info, warning, error).
 */
function bindingArrows(topology: Topology, find: (kind: Box["kind"], name: string) => Box | undefined): Arrow[] {
  const types = new Map(topology.exchanges.map((e) => [e.name, e.type]));
  const arrows = new Map<Box, Map<Box, Arrow>>();
  for (const binding of topology.bindings) {
    const from = find("exchange", binding.source);
    const to = find(binding.destinationType, binding.destination);
    if (!from || !to) continue;
    const fromHere = arrows.get(from) ?? arrows.set(from, new Map()).get(from)!;
    const arrow = fromHere.get(to) ?? fromHere.set(to, { from, to, labels: [] }).get(to)!;
    const label = bindingLabel(binding, types.get(binding.source));
    if (label && !arrow.labels.includes(label)) arrow.labels.push(label);
  }
  return [...arrows.values()].flatMap((m) => [...m.values()]);
}

/** Keys joined with " | " into lines that fit between two columns; a single long key keeps its line. */
export function labelLines(labels: string[], maxChars = LABEL_CHARS): string[] {
  const lines: string[] = [];
  for (const key of labels) {
    const last = lines.length - 1;
    if (last >= 0 && `${lines[last]} | ${key}`.length <= maxChars) lines[last] = `${lines[last]} | ${key}`;
    else lines.push(key);
  }
  // A trailing bar says the next line continues the same list.
  return lines.map((line, i) => (i < lines.length - 1 ? `${line} |` : line));
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** A label centred on its arrow, nudged up or down off any label or box already there: arrows from one exchange start together. */
function label(lines: string[], cx: number, cy: number, taken: Rect[]): string {
  const width = Math.max(...lines.map((l) => l.length)) * MONO_CHAR + 8;
  const height = lines.length * 14 + 4;
  const at: Rect = { x: cx - width / 2, y: cy - height / 2, width, height };
  const spot = [0, 1, -1, 2, -2, 3, -3].map((k) => ({ ...at, y: at.y + k * (height + 4) })).find((r) => !taken.some((t) => overlaps(r, t))) ?? at;
  taken.push(spot);
  const text = lines.map((l, i) => `<tspan x="${cx}" y="${spot.y + 13 + i * 14}">${esc(l)}</tspan>`).join("");
  return `<rect x="${spot.x}" y="${spot.y}" width="${width}" height="${height}" rx="3" class="label-bg"/><text text-anchor="middle" class="key">${text}</text>`;
}

/** The same topology as text, for readers that draw no SVG. */
export function topologyText(full: Topology, options: PictureOptions): string {
  const topology = visibleTopology(full, options.match);
  const types = new Map(topology.exchanges.map((e) => [e.name, e.type]));
  const lines = ["Broker topology", `Source: ${options.source}`, "", "Exchanges:"];
  for (const e of topology.exchanges) lines.push(`  ${exchangeLines(e).join("; ")}`);
  lines.push("Queues:");
  for (const q of topology.queues) lines.push(`  ${queueLines(q).join("; ")}`);
  lines.push("Bindings:");
  for (const b of topology.bindings) {
    const label = bindingLabel(b, types.get(b.source));
    lines.push(`  ${b.source} --${label ? `[${label}]` : ""}--> ${b.destinationType} ${b.destination}`);
  }
  if (topology.exchanges.length + topology.queues.length === 0) lines.push("", "No exchanges or queues yet.");
  return lines.join("\n");
}
