// Dead-letter routes in a topology picture: from the queues that dead-letter to an exchange,
// around the outside of the picture and back into that exchange, without crossing any box; and
// from queues that dead-letter through the default exchange, straight to the queue named by
// their dead-letter routing key, in lanes right of the queues.
import type { Topology } from "../topology";

const LANE = 12; // between parallel dead-letter lanes
const FIRST_QUEUE_LANE = 20; // from the queues' right side to the nearest queue-to-queue lane
const QUEUE_LANE = 22; // between queue-to-queue lanes: their labels run along them
const LANE_ROW = 18; // between dead-letter runs under the picture: room for each one's label

/** A placed box of the picture, as far as routing needs it. */
export interface Box {
  kind: "exchange" | "queue";
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Room the lanes need left of the first column. */
export function laneInset(routes: DeadLetterRoute[]): number {
  return routes.length ? 8 + routes.length * LANE : 0;
}

export type Point = [number, number];

/** Queues that dead-letter to one exchange, drawn as one route into it. */
export interface DeadLetterRoute {
  exchange: Box;
  /** Top to bottom. */
  queues: Box[];
  /** Where the route enters the exchange's left side: below the middle when bindings already arrive there. */
  entryY: number;
}

export function deadLetterRoutes(
  topology: Topology,
  find: (kind: Box["kind"], name: string) => Box | undefined,
  hasIncomingBinding: (exchange: Box) => boolean,
): DeadLetterRoute[] {
  const byExchange = new Map<Box, Box[]>();
  for (const q of topology.queues) {
    const dlx = q.arguments["x-dead-letter-exchange"];
    const from = find("queue", q.name);
    const to = typeof dlx === "string" ? find("exchange", dlx) : undefined;
    if (from && to) byExchange.set(to, [...(byExchange.get(to) ?? []), from]);
  }
  return [...byExchange].map(([exchange, queues]) => ({
    exchange,
    queues: queues.sort((a, b) => a.y - b.y),
    entryY: exchange.y + exchange.height * (hasIncomingBinding(exchange) ? 0.75 : 0.5),
  }));
}

/** A queue dead-lettering through the default exchange to the queue its dead-letter routing key names. */
export interface QueueToQueueRoute {
  from: Box;
  to: Box;
}

/**
 * Only routes whose target is known from the arguments: without x-dead-letter-routing-key each
 * message goes on with its own routing key, which the picture cannot know.
 */
export function queueToQueueRoutes(topology: Topology, find: (kind: Box["kind"], name: string) => Box | undefined): QueueToQueueRoute[] {
  return topology.queues.flatMap((q) => {
    const key = q.arguments["x-dead-letter-routing-key"];
    if (q.arguments["x-dead-letter-exchange"] !== "" || typeof key !== "string") return [];
    const from = find("queue", q.name);
    const to = find("queue", key);
    return from && to && from !== to ? [{ from, to }] : [];
  });
}

/** Room the queue-to-queue lanes need right of the queues; the routes into exchanges run outside them. */
export function queueLaneWidth(routes: QueueToQueueRoute[]): number {
  return routes.length ? FIRST_QUEUE_LANE + (routes.length - 1) * QUEUE_LANE : 0;
}

/**
 * Out of the source's right side (above its middle), along a lane right of every box, into the
 * target's right side (below its middle): a route in and a route out of one queue never share
 * a point, and the exchange routes' trunks leave from the middle.
 */
export function queueToQueueLanes(routes: QueueToQueueRoute[], boxes: Box[]): { path: Point[]; laneX: number; labelY: number }[] {
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const ends = routes.map(({ from, to }) => ({ from, to, fromY: from.y + from.height * 0.35, toY: to.y + to.height * 0.65 }));
  // Shorter routes nearest the boxes: a route nested inside a longer one's span then crosses none of its lines.
  ends.sort((a, b) => Math.abs(a.fromY - a.toY) - Math.abs(b.fromY - b.toY));
  return ends.map(({ from, to, fromY, toY }, i) => {
    const laneX = right + FIRST_QUEUE_LANE + i * QUEUE_LANE;
    return { path: [[from.x + from.width, fromY], [laneX, fromY], [laneX, toY], [to.x + to.width + 2, toY]], laneX, labelY: (fromY + toY) / 2 };
  });
}

export interface Lane {
  /** The lane right of everything, the row under everything, the lane left of the exchange. */
  laneX: number;
  rowY: number;
  backX: number;
  /** From the topmost queue's right side, down a lane right of everything, along a row under it, up a lane left of the exchange, into it. */
  trunk: Point[];
  /** From each other queue across to the trunk. */
  stubs: Point[][];
}

/**
 * Dead letters flow back to an exchange on the left; a direct line would cross the boxes in
 * between. Each route goes around the outside instead, in lanes nested so routes do not share a
 * line, in the nesting order that crosses the fewest other routes' lines.
 */
export function routeLanes(routes: DeadLetterRoute[], boxes: Box[], outside = 0): Lane[] {
  if (!routes.length) return [];
  const right = Math.max(...boxes.map((b) => b.x + b.width)) + outside;
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  const lanesFor = (order: DeadLetterRoute[]): Lane[] =>
    order.map(({ exchange, queues, entryY }, i) => {
      const laneX = right + 16 + i * LANE;
      const rowY = bottom + 24 + i * LANE_ROW;
      const backX = exchange.x - 16 - i * LANE;
      const side = (q: Box): Point => [q.x + q.width, q.y + q.height / 2];
      const [top, ...rest] = queues as [Box, ...Box[]];
      const [sx, sy] = side(top);
      return {
        laneX,
        rowY,
        backX,
        trunk: [[sx, sy], [laneX, sy], [laneX, rowY], [backX, rowY], [backX, entryY], [exchange.x - 2, entryY]],
        stubs: rest.map((q) => [side(q), [laneX, side(q)[1]]]),
      };
    });
  // Permutations of a handful of routes are cheap; beyond that, keep the declared order.
  const orders = routes.length <= 5 ? permutations(routes) : [routes];
  let best = lanesFor(routes);
  let fewest = crossings(best);
  for (const order of orders) {
    const lanes = lanesFor(order);
    const count = crossings(lanes);
    if (count < fewest) [best, fewest] = [lanes, count];
  }
  return best;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** How often one lane's lines cross another's (all lines are horizontal or vertical). */
function crossings(lanes: Lane[]): number {
  type Segment = readonly [Point, Point];
  const segments = lanes.map((l) => [l.trunk, ...l.stubs].flatMap((p) => p.slice(1).map((q, i): Segment => [p[i]!, q])));
  const flat = (s: Segment) => s[0][1] === s[1][1];
  const between = (v: number, a: number, b: number) => v > Math.min(a, b) && v < Math.max(a, b);
  const cross = (h: Segment, v: Segment) => flat(h) && !flat(v) && between(v[0][0], h[0][0], h[1][0]) && between(h[0][1], v[0][1], v[1][1]);
  let count = 0;
  segments.forEach((mine, i) => {
    for (const theirs of segments.slice(i + 1)) for (const a of mine) for (const b of theirs) if (cross(a, b) || cross(b, a)) count++;
  });
  return count;
}

/** An orthogonal polyline with its corners rounded. */
export function roundedPath(points: Point[], radius = 6): string {
  const towards = ([x, y]: Point, [tx, ty]: Point): Point => {
    const len = Math.hypot(tx - x, ty - y) || 1;
    const k = Math.min(radius, len / 2) / len;
    return [x + (tx - x) * k, y + (ty - y) * k];
  };
  const at = ([x, y]: Point) => `${+x.toFixed(1)},${+y.toFixed(1)}`;
  const d = [`M${at(points[0]!)}`];
  for (let i = 1; i < points.length - 1; i++) {
    const corner = points[i]!;
    d.push(`L${at(towards(corner, points[i - 1]!))} Q${at(corner)} ${at(towards(corner, points[i + 1]!))}`);
  }
  d.push(`L${at(points[points.length - 1]!)}`);
  return d.join(" ");
}
