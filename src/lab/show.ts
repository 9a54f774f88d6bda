// show(): the current topology as a picture, from wherever the lesson's messages live.
import * as amqplib from "amqplib";
import type { BrokerConnection } from "../amqp";
import { MemoryBroker, defaultBroker, memoryBrokerOf } from "../memory/broker";
import { redactUrl } from "../mode";
import type { Topology } from "../topology";
import { displayBundle } from "./display";
import { ManagementUnavailable, managementEndpoint, readManagementTopology } from "./management-api";
import { topologySvg, topologyText } from "./topology-picture";

export interface ShowOptions {
  /** Draw only exchanges and queues whose names match, e.g. /^orders/. */
  match?: RegExp;
}

/** Where show() reads from. */
export type ShowTarget = BrokerConnection | MemoryBroker | string;

/**
 * Draws the broker's exchanges, queues and bindings, with message counts and queue arguments.
 * With no argument it reads the broker `connect()` would use; pass a connection, an in-memory
 * broker or an AMQP URL to choose. A live broker is read through its management API; when that
 * cannot be reached, show() says so and why, instead of drawing.
 */
export async function show(target?: ShowTarget, options: ShowOptions = {}): Promise<void> {
  const source = resolve(target);
  if (source.kind === "memory") {
    displayPicture(source.broker.topology(), "in-memory broker", options);
    return;
  }
  try {
    const endpoint = managementEndpoint(source.url);
    const snapshot = await readManagementTopology(endpoint);
    // Without a fresh count the API's own (up to 5 s old) still makes a fair picture.
    const topology = await withCurrentCounts(source.url, snapshot.topology, options.match).catch(() => snapshot.topology);
    const label = `RabbitMQ ${snapshot.version} at ${redactUrl(source.url)}, read through its management API (unacked counts may lag up to 5 s)`;
    displayPicture(topology, label, options);
  } catch (err) {
    if (!(err instanceof ManagementUnavailable)) throw err;
    const sentence = `Cannot draw the topology of RabbitMQ at ${redactUrl(source.url)}: ${err.message}`;
    displayBundle({ "text/plain": sentence });
  }
}

type Source = { kind: "memory"; broker: MemoryBroker } | { kind: "live"; url: string };

function resolve(target: ShowTarget | undefined): Source {
  if (target instanceof MemoryBroker) return { kind: "memory", broker: target };
  if (typeof target === "string") return { kind: "live", url: target };
  const url = process.env.AMQP_URL;
  if (target === undefined) return url ? { kind: "live", url } : { kind: "memory", broker: defaultBroker() };
  const memory = memoryBrokerOf(target);
  if (memory) return { kind: "memory", broker: memory };
  if (!url) {
    // amqplib does not keep the URL (nor its password) on the connection.
    throw new Error("show(conn) cannot tell where this RabbitMQ connection came from: AMQP_URL is not set. Pass the URL instead: show(url).");
  }
  return { kind: "live", url };
}

/**
 * The management API refreshes its message counts every 5 s, so a lesson that publishes and
 * then shows would see stale numbers. A passive declare answers with the ready count as of now.
 */
async function withCurrentCounts(url: string, topology: Topology, match: RegExp | undefined): Promise<Topology> {
  const conn = await amqplib.connect(url);
  const openChannel = async () => {
    const channel = await conn.createChannel();
    // A failed check closes the channel with an error event; unheard, amqplib would close the connection.
    channel.on("error", () => {});
    return channel;
  };
  try {
    conn.on("error", () => {});
    let channel = await openChannel();
    const queues = [];
    for (const queue of topology.queues) {
      // Another connection's exclusive queue may not even be checked (405 RESOURCE_LOCKED).
      if (queue.exclusive || (match && !match.test(queue.name))) {
        queues.push(queue);
        continue;
      }
      try {
        const ok = await channel.checkQueue(queue.name);
        queues.push({ ...queue, ready: ok.messageCount, consumers: ok.consumerCount });
      } catch {
        // Deleted since the API listed it, so not drawn.
        channel = await openChannel();
      }
    }
    return { ...topology, queues };
  } finally {
    await conn.close().catch(() => {});
  }
}

function displayPicture(topology: Topology, source: string, options: ShowOptions): void {
  const picture = { source, match: options.match };
  displayBundle({ "image/svg+xml": topologySvg(topology, picture), "text/plain": topologyText(topology, picture) });
}
