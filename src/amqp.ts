// The one client surface both modes share. Real mode hands out amqplib's ChannelModel;
// memory mode hands out the very same amqplib classes wired to the in-memory broker,
// so every promise, event and IllegalOperationError is amqplib's own.
import type { EventEmitter } from "node:events";
import type { Channel, ConfirmChannel, ChannelOptions, ServerProperties } from "amqplib";

export type {
  Channel,
  ConfirmChannel,
  ConsumeMessage,
  GetMessage,
  Message,
  MessageProperties,
  Options,
  Replies,
  XDeath,
} from "amqplib";

/** What a lesson holds after `connect()`, whichever broker is behind it. */
export interface BrokerConnection extends EventEmitter {
  createChannel(options?: ChannelOptions): Promise<Channel>;
  createConfirmChannel(options?: ChannelOptions): Promise<ConfirmChannel>;
  close(): Promise<void>;
  readonly connection: { readonly serverProperties: ServerProperties };
  on(event: "close", listener: (err?: Error) => void): this;
  on(event: "error", listener: (err: Error) => void): this;
  on(event: "blocked", listener: (reason: string) => void): this;
  on(event: "unblocked", listener: () => void): this;
}

/** The shape amqplib gives to errors a broker raises (channel or connection close). */
export interface AmqpError extends Error {
  code?: number;
  classId?: number;
  methodId?: number;
}
