import * as amqplib from "amqplib";
import type { SocketOptions } from "amqplib";
import type { BrokerConnection } from "./amqp";
import { MemoryBroker, defaultBroker } from "./memory/broker";

export interface ConnectOptions {
  /** Passed to amqplib in real mode; `noDelay` defaults to true. */
  socketOptions?: SocketOptions;
  /**
   * An in-memory broker to connect to, whatever the URL or AMQP_URL say (without it, memory
   * mode uses one broker per process, like a local RabbitMQ).
   */
  broker?: MemoryBroker;
}

/**
 * A real amqplib connection when `url` (default `AMQP_URL`) is set, otherwise a connection
 * to the in-memory broker. Both are driven by amqplib's own channel code.
 */
export async function connect(
  url: string | undefined = process.env.AMQP_URL,
  options: ConnectOptions = {},
): Promise<BrokerConnection> {
  if (url && !options.broker) {
    // Nagle's algorithm holds small frames back for up to 40 ms waiting for an ACK that a
    // request/response pattern (tx.commit, confirm per message) never sends early.
    return amqplib.connect(url, { noDelay: true, ...options.socketOptions });
  }
  return (options.broker ?? defaultBroker()).connect();
}
