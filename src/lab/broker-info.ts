// Which broker a connection reaches, in words: the `source` every printed number needs.
import { Socket } from "node:net";
import type { BrokerConnection } from "../amqp";
import { redactUrl } from "../mode";

/** True for a connection to a real RabbitMQ (a TCP socket), false for the in-memory broker. */
export function isLiveConnection(conn: BrokerConnection): boolean {
  return (conn.connection as { stream?: unknown }).stream instanceof Socket;
}

/** The broker's product and version as it announced them when the connection opened. */
export function brokerVersion(conn: BrokerConnection): string {
  const props = conn.connection.serverProperties;
  return [props.product, props.version].filter(Boolean).join(" ") || "unknown version";
}

/**
 * "RabbitMQ 3.10.8 at amqp://guest:****@127.0.0.1:5672" or "in-memory broker": what a chart's
 * `source` should say about numbers measured on this connection.
 */
export function describeBroker(conn: BrokerConnection, url: string | undefined = process.env.AMQP_URL): string {
  if (!isLiveConnection(conn)) return "in-memory broker";
  return url ? `${brokerVersion(conn)} at ${redactUrl(url)}` : brokerVersion(conn);
}
