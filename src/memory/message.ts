// A published message as the broker keeps it: the content and the encoded content header,
// as RabbitMQ stores them, plus the few properties routing and queues read.
import { defs, type Fields } from "../amqplib-internals";

const HEADER_FRAME_PREFIX = 7 + 12; // frame header, then class id, weight and body size
const BasicProperties = defs.BasicProperties as number;

export interface Message {
  readonly exchange: string;
  /** The routing key of the publish: the one deliveries show. */
  readonly routingKey: string;
  /** CC and BCC keys the message was also routed with (BCC is not in its headers). */
  readonly extraRoutingKeys: readonly string[] | undefined;
  /**
   * The encoded property list (as RabbitMQ keeps the content header) followed by the body, in
   * one allocation; no views are kept, to keep a queued message small.
   */
  readonly data: Buffer;
  readonly propertiesLength: number;
  readonly persistent: boolean;
  /** The priority property, or undefined when the publisher set none. */
  readonly priority: number | undefined;
  /** The expiration property as RabbitMQ reads it (milliseconds), when set. */
  readonly expiration: string | undefined;
}

export interface EncodedMessage {
  readonly data: Buffer;
  readonly propertiesLength: number;
}

const PROPERTY_NAMES = [
  "contentType", "contentEncoding", "headers", "deliveryMode", "priority", "correlationId", "replyTo",
  "expiration", "messageId", "timestamp", "type", "userId", "appId", "clusterId",
] as const;

/** Encodes properties as amqplib does on the wire, so bad properties throw the same errors. */
export function encodeProperties(properties: Fields, bodySize: number): Buffer {
  const frame = defs.encodeProperties(BasicProperties, 0, bodySize, properties);
  return frame.subarray(HEADER_FRAME_PREFIX, frame.length - 1);
}

export function decodeProperties(encoded: Buffer): Fields {
  return defs.decode(BasicProperties, encoded);
}

// Most publishes carry nothing but amqplib's empty headers table and maybe a delivery mode:
// their encoding is one of three fixed byte strings, computed once.
const PLAIN_ENCODINGS = [undefined, 1, 2].map((deliveryMode) => encodeProperties({ headers: {}, deliveryMode }, 0));

function plainEncoding(properties: Fields): Buffer | undefined {
  const headers = properties.headers;
  if (!headers || typeof headers !== "object") return undefined;
  for (const _key in headers) return undefined;
  for (const name of PROPERTY_NAMES) {
    if (name !== "headers" && name !== "deliveryMode" && properties[name] !== undefined) return undefined;
  }
  const mode = properties.deliveryMode;
  return mode === undefined ? PLAIN_ENCODINGS[0] : mode === 1 ? PLAIN_ENCODINGS[1] : mode === 2 ? PLAIN_ENCODINGS[2] : undefined;
}

/** The encoded properties and a copy of the body in one allocation: the broker's own copy. */
export function encodeMessageData(properties: Fields, content: Buffer): EncodedMessage {
  const encoded = plainEncoding(properties) ?? encodeProperties(properties, content.length);
  const data = Buffer.allocUnsafe(encoded.length + content.length);
  // TypedArray#set: the same copy as Buffer#copy without its argument checks, per message.
  data.set(encoded, 0);
  data.set(content, encoded.length);
  return { data, propertiesLength: encoded.length };
}

/**
 * A message from its encoded data and the properties it was encoded from (read for routing,
 * persistence, priority and expiry without decoding them again).
 */
export function createMessage(exchange: string, routingKeys: readonly string[], encoded: EncodedMessage, properties: Fields): Message {
  return {
    exchange,
    routingKey: routingKeys[0],
    extraRoutingKeys: routingKeys.length > 1 ? routingKeys.slice(1) : undefined,
    data: encoded.data,
    propertiesLength: encoded.propertiesLength,
    persistent: properties.deliveryMode === 2,
    priority: typeof properties.priority === "number" ? properties.priority : undefined,
    expiration: properties.expiration === undefined ? undefined : String(properties.expiration),
  };
}

/** The same body republished with other properties, exchange and routing keys (dead-lettering). */
export function republish(msg: Message, properties: Fields, exchange: string, routingKeys: readonly string[]): Message {
  return createMessage(exchange, routingKeys, encodeMessageData(properties, msg.data.subarray(msg.propertiesLength)), properties);
}

export function routingKeys(msg: Message): readonly string[] {
  return msg.extraRoutingKeys ? [msg.routingKey, ...msg.extraRoutingKeys] : [msg.routingKey];
}

/**
 * A fresh decoded copy of the properties, as a client gets with every delivery. The decoder
 * reads from the start of the buffer and stops where the property flags say, so the body
 * behind the properties needs no slicing off.
 */
export function properties(msg: Message): Fields {
  return decodeProperties(msg.data);
}

/** A copy of the body for a delivery: what the client does with it never touches the broker's. */
export function bodyCopy(msg: Message): Buffer {
  const copy = Buffer.allocUnsafe(msg.data.length - msg.propertiesLength);
  msg.data.copy(copy, 0, msg.propertiesLength);
  return copy;
}

export function bodySize(msg: Message): number {
  return msg.data.length - msg.propertiesLength;
}
