// amqplib's protocol layer, which its package "exports" map does not list. The in-memory
// broker plugs into these classes so that memory mode runs amqplib's own channel code, and
// transactions need the method-level rpc amqplib has no public API for. amqplib is pinned
// to an exact version in package.json because of this file.
import { dirname, join } from "node:path";

const lib = join(dirname(require.resolve("amqplib")), "lib");

/* eslint-disable @typescript-eslint/no-require-imports */
export const defs = require(join(lib, "defs.js")) as Defs;
export const { ChannelModel } = require(join(lib, "channel_model.js")) as { ChannelModel: ChannelModelClass };
export const { Connection } = require(join(lib, "connection.js")) as { Connection: ConnectionClass };

/** Decoded AMQP method or header fields, as amqplib's codec produces and consumes them. */
export type Fields = Record<string, unknown>;

/** A method or content-header frame, as amqplib's frame decoder produces it. */
export interface Frame {
  id: number;
  channel: number;
  fields: Fields;
  /** Header frames: the body size. */
  size?: number;
}

/** A body frame. */
export interface ContentFrame {
  channel: number;
  content: Buffer;
}

export interface Defs {
  constants: Record<string, number>;
  constant_strs: Record<number, string>;
  decode(id: number, buf: Buffer): Fields;
  encodeMethod(id: number, channel: number, fields: Fields): Buffer;
  encodeProperties(id: number, channel: number, size: number, fields: Fields): Buffer;
  info(id: number): { name: string; classId: number; methodId: number };
  [method: string]: unknown;
}

/** The part of amqplib's channel class the transport talks to. */
export interface AmqplibChannel {
  accept(frame: Frame | ContentFrame): void;
  onBufferDrain(): void;
  rpc(method: number, fields: Fields, expect: number): Promise<Fields>;
}

/** amqplib's promise-API connection class, typed by amqplib's own declarations. */
export type ChannelModelClass = new (connection: unknown) => import("amqplib").ChannelModel;
export type ConnectionClass = new (stream: unknown) => object;

/** Sends an AMQP method on a channel and resolves with the reply's fields (amqplib's own rpc). */
export function channelRpc(channel: object, method: string, fields: Fields, reply: string): Promise<Fields> {
  return (channel as unknown as AmqplibChannel).rpc(defs[method] as number, fields, defs[reply] as number);
}
