// A connection to the in-memory broker. The client half is amqplib's own Connection class with
// the socket replaced: frames go to the broker as objects instead of bytes, and the broker's
// frames come back through amqplib's frame handlers, so channels, promises, events and errors
// are exactly amqplib's. The server half dispatches methods to channels and raises errors the
// way RabbitMQ does: a channel error closes the channel, a connection error the connection.
import { PassThrough } from "node:stream";
import { Connection, defs, type AmqplibChannel, type Fields } from "../amqplib-internals";
import type { MemoryBroker } from "./broker";
import { ServerChannel, type Publish } from "./channel";
import { BrokerError, CHANNEL_ERROR, methodIds } from "./errors";
import { encodeMessageData } from "./message";
import { M } from "./methods";

/** A frame as amqplib's decoder would produce it: method, content header or body. */
type OutboundFrame = { channel: number; id?: number; fields?: Fields; size?: number; content?: Buffer };

/** The parts of amqplib's Connection this module drives. */
interface AmqplibConnection {
  channels: ({ channel: AmqplibChannel; buffer: unknown } | null)[];
  freeChannels: { nextClearBit(from: number): number; set(i: number): void; clear(i: number): void };
  channelMax: number;
  serverProperties: Record<string, unknown>;
  accept(frame: { channel: number }): void;
  onSocketError(err: Error): void;
  emit(event: string, ...args: unknown[]): boolean;
  sendMethod(channel: number, method: number, fields: Fields): boolean;
  sendMessage(channel: number, method: number, fields: Fields, propsMethod: number, props: Fields, content: Buffer): boolean;
  freshChannel(channel: AmqplibChannel, options?: { highWaterMark?: number }): number;
  releaseChannel(channel: number): void;
}

const AmqplibConnectionClass = Connection as unknown as new (stream: PassThrough) => AmqplibConnection;

/** amqplib's default per-channel write buffer, in frames: past it publish() returns false. */
const DEFAULT_HIGH_WATER_MARK = 1024;
const BasicPublish = defs.BasicPublish as number;
const BasicAck = defs.BasicAck as number;
/** Frame header (7 bytes) and method id (4 bytes) come before a method's arguments. */
const isPlainAck = (f: Fields) => typeof f.deliveryTag === "number" && typeof f.multiple === "boolean";
/** Short string names always fit a shortstr (255 bytes at 3 bytes a character at most). */
const isPlainPublish = (f: Fields) =>
  typeof f.exchange === "string" && f.exchange.length <= 85 && typeof f.routingKey === "string" && f.routingKey.length <= 85;
const METHOD_ARGS_OFFSET = 11;

export const SERVER_PROPERTIES = {
  product: "in-memory broker",
  version: "modelled on RabbitMQ 3.10.8",
  platform: "Node.js",
  information: "Behaves like RabbitMQ 3.10, checked against golden traces recorded from it",
  capabilities: {
    publisher_confirms: true,
    exchange_exchange_bindings: true,
    "basic.nack": true,
    consumer_cancel_notify: true,
    "connection.blocked": true,
    consumer_priorities: true,
    authentication_failure_close: true,
    per_consumer_qos: true,
    direct_reply_to: false,
  },
};

/** The client half: amqplib's Connection whose "socket" is the broker. */
export class ClientTransport extends AmqplibConnectionClass {
  private readonly buffered: number[] = [];
  private readonly highWaterMark: number[] = [];
  private readonly needsDrain = new Set<number>();
  private multiplexed: { channel: number; method: number; fields: Fields; publish: Publish | undefined }[] = [];
  private muxScheduled = false;

  /** The broker this connection talks to (for pictures of its topology). */
  get broker(): MemoryBroker {
    return this.server.broker;
  }

  constructor(private readonly server: ServerConnection) {
    super(new PassThrough());
    this.channelMax = 2047;
    this.serverProperties = SERVER_PROPERTIES;
  }

  override sendMethod(channel: number, method: number, fields: Fields): boolean {
    if (method === BasicAck && isPlainAck(fields)) {
      // The hot path: an ack amqplib built itself cannot fail to encode, so skip the bytes.
      return this.write(channel, method, fields);
    }
    // Encoding validates the fields exactly as amqplib does before writing to a socket; the
    // broker reads them back decoded, as RabbitMQ would (absent tables become empty ones).
    const frame = defs.encodeMethod(method, channel, fields);
    return this.write(channel, method, defs.decode(method, frame.subarray(METHOD_ARGS_OFFSET, frame.length - 1)));
  }

  override sendMessage(channel: number, method: number, fields: Fields, _propsMethod: number, props: Fields, content: Buffer): boolean {
    if (!Buffer.isBuffer(content)) throw new TypeError("content is not a buffer");
    if (method !== BasicPublish) throw new Error("only basic.publish carries content from a client");
    if (!isPlainPublish(fields)) defs.encodeMethod(method, channel, fields);
    // Encoding the properties validates them as amqplib would; the result, with a copy of the
    // body, is the broker's own copy of the message, as if read off a socket.
    return this.write(channel, method, fields, { fields, properties: props, ...encodeMessageData(props, content) });
  }

  /**
   * amqplib writes connection frames (channel 0) straight to the socket, but a channel's frames
   * into that channel's buffer, which its multiplexer moves to the socket on a later turn. So an
   * ack followed at once by connection.close() reaches RabbitMQ after the close, and is lost.
   * The same two paths here keep that order.
   */
  private write(channel: number, method: number, fields: Fields, publish?: Publish): boolean {
    if (channel === 0) {
      this.server.receive(channel, method, fields, publish);
      return true;
    }
    this.multiplexed.push({ channel, method, fields, publish });
    if (!this.muxScheduled) {
      this.muxScheduled = true;
      setImmediate(() => this.flushChannels());
    }
    // amqplib's channel buffer is an object-mode PassThrough: its readable and writable sides
    // each hold highWaterMark frames, so write() first returns false at 2 × highWaterMark − 1.
    const count = (this.buffered[channel] = (this.buffered[channel] ?? 0) + 1);
    if (count < 2 * (this.highWaterMark[channel] ?? DEFAULT_HIGH_WATER_MARK) - 1) return true;
    this.needsDrain.add(channel);
    return false;
  }

  /** The multiplexer's turn: channel frames go to the broker and the channel buffers drain. */
  private flushChannels(): void {
    this.muxScheduled = false;
    const frames = this.multiplexed;
    this.multiplexed = [];
    for (const f of frames) this.server.receive(f.channel, f.method, f.fields, f.publish);
    this.buffered.fill(0);
    for (const channel of this.needsDrain) this.channels[channel]?.channel.onBufferDrain();
    this.needsDrain.clear();
  }

  override freshChannel(channel: AmqplibChannel, options?: { highWaterMark?: number }): number {
    const next = this.freeChannels.nextClearBit(1);
    if (next < 0 || next > this.channelMax) throw new Error("No channels left to allocate");
    this.freeChannels.set(next);
    this.channels[next] = { channel, buffer: null };
    this.buffered[next] = 0;
    this.highWaterMark[next] = options?.highWaterMark || DEFAULT_HIGH_WATER_MARK;
    return next;
  }

  override releaseChannel(channel: number): void {
    this.freeChannels.clear(channel);
    this.channels[channel] = null;
    this.needsDrain.delete(channel);
  }

  /** Frames from the broker, as amqplib's socket reader would hand them over. */
  deliver(frames: OutboundFrame[]): void {
    for (const frame of frames) {
      try {
        this.accept(frame);
      } catch (err) {
        // A handler that throws takes the connection down, as in amqplib's accept loop.
        this.onSocketError(err instanceof Error ? err : new Error(String(err)));
        this.server.socketClosed();
        return;
      }
    }
  }

  /** Frames for a channel that is gone are dropped, as amqplib's mainAccept would reject them. */
  override accept(frame: { channel: number }): void {
    const record = this.channels[frame.channel];
    if (record) record.channel.accept(frame as never);
  }

}

/** The broker's half of a connection. */
export class ServerConnection {
  readonly transport: ClientTransport;
  private readonly channels = new Map<number, ServerChannel>();
  private outbound: OutboundFrame[] = [];
  /** "closing": the broker sent connection.close and waits for close-ok; "closed": gone. */
  state: "open" | "closing" | "closed" = "open";

  constructor(readonly broker: MemoryBroker) {
    this.transport = new ClientTransport(this);
  }

  /** A frame from the client; handled in the broker's next step, in arrival order. */
  receive(channel: number, method: number, fields: Fields, publish?: Publish): void {
    this.broker.enqueueFrame(this, channel, method, fields, publish);
  }

  handle(channelId: number, method: number, fields: Fields, publish?: Publish): void {
    if (this.state === "closed") return;
    if (channelId === 0) return this.handleConnectionMethod(method);
    if (this.state === "closing") return;
    const channel = this.channels.get(channelId);
    try {
      if (method === M.ChannelOpen) {
        if (channel) throw new BrokerError(CHANNEL_ERROR, "second 'channel.open' seen", "connection");
        this.channels.set(channelId, new ServerChannel(this, channelId));
        return this.send(channelId, M.ChannelOpenOk, { channelId: Buffer.alloc(0) });
      }
      if (!channel) throw new BrokerError(CHANNEL_ERROR, `expected 'channel.open' on channel ${channelId}`, "connection");
      if (channel.closing) {
        if (method === M.ChannelCloseOk) this.channels.delete(channelId);
        return;
      }
      if (method === M.ChannelClose) {
        channel.shutdown();
        this.channels.delete(channelId);
        return this.send(channelId, M.ChannelCloseOk, {});
      }
      channel.handle(method, fields, publish);
    } catch (err) {
      if (!(err instanceof BrokerError)) throw err;
      if (err.scope === "connection") this.closeWithError(err, method);
      else this.closeChannel(channelId, err, method);
    }
  }

  /** Server-initiated close of a channel after an error in one of its methods. */
  private closeChannel(channelId: number, err: BrokerError, method: number): void {
    const channel = this.channels.get(channelId);
    if (!channel) return;
    channel.shutdown();
    channel.closing = true;
    this.send(channelId, M.ChannelClose, { replyCode: err.code, replyText: err.replyText, ...methodIds(method) });
  }

  /** Server-initiated close of the whole connection (a connection error, or a broker shutdown). */
  closeWithError(err: BrokerError, method?: number): void {
    if (this.state !== "open") return;
    this.state = "closing";
    this.send(0, M.ConnectionClose, {
      replyCode: err.code,
      replyText: err.replyText,
      ...(method === undefined ? { classId: 0, methodId: 0 } : methodIds(method)),
    });
    this.release();
  }

  private handleConnectionMethod(method: number): void {
    if (method === M.ConnectionClose) {
      if (this.state === "open") this.release();
      this.send(0, M.ConnectionCloseOk, {});
      this.state = "closed";
    } else if (method === M.ConnectionCloseOk) {
      this.state = "closed";
    }
  }

  /** The client vanished without a close handshake (a handler threw). */
  socketClosed(): void {
    if (this.state === "closed") return;
    if (this.state === "open") this.release();
    this.state = "closed";
    this.outbound = [];
  }

  /** Channels close (unacked messages go back), then the connection's exclusive queues go. */
  private release(): void {
    for (const channel of this.channels.values()) channel.shutdown();
    this.channels.clear();
    this.broker.connectionClosed(this);
  }

  /** Unacked deliveries of every channel (a restart returns the persistent ones). */
  unackedDeliveries() {
    return [...this.channels.values()].flatMap((c) => c.unackedDeliveries());
  }

  send(channel: number, method: number, fields: Fields): void {
    this.outbound.push({ id: method, channel, fields });
    this.broker.markOutbound(this);
  }

  sendContent(channel: number, method: number, fields: Fields, props: Fields, content: Buffer): void {
    this.outbound.push({ id: method, channel, fields });
    this.outbound.push({ id: M.BasicProperties, channel, fields: props, size: content.length });
    // amqplib expects no body frame for an empty body.
    if (content.length) this.outbound.push({ channel, content });
    this.broker.markOutbound(this);
  }

  /** Hands the frames produced in this step to the client. */
  flush(): void {
    const frames = this.outbound;
    this.outbound = [];
    if (frames.length) this.transport.deliver(frames);
  }
}
