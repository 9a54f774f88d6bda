// The broker's side of a channel: it answers the AMQP methods amqplib sends, numbers deliveries,
// keeps the unacknowledged ones, applies prefetch, confirms publishes and holds transactions.
import { randomBytes } from "node:crypto";
import type { Fields } from "../amqplib-internals";
import {
  ACCESS_REFUSED,
  BrokerError,
  COMMAND_INVALID,
  exchangeResource,
  noExchange,
  NOT_ALLOWED,
  NOT_IMPLEMENTED,
  notReproduced,
  PRECONDITION_FAILED,
  queueResource,
  unknownDeliveryTag,
} from "./errors";
import { bodyCopy, createMessage, properties, republish, type EncodedMessage, type Message } from "./message";
import { M } from "./methods";
import type { Queue, QueueConsumer } from "./queue";
import type { QueueEntry } from "./ready-store";
import type { ServerConnection } from "./connection";
import { DEFAULT_EXCHANGE, type Exchange } from "./vhost";

/** A publish as it arrives from the client: method fields, its properties, and the encoded data. */
export interface Publish extends EncodedMessage {
  fields: Fields;
  properties: Fields;
}

interface Delivery {
  readonly tag: number;
  readonly queue: Queue;
  readonly entry: QueueEntry;
  /** null for basic.get */
  readonly consumer: Consumer | null;
}

/** "requeue" is a client's nack/reject with requeue; "return" is its channel giving messages back. */
type Settlement = { kind: "ack" | "requeue" | "discard" | "return"; deliveries: Delivery[] };

class Consumer implements QueueConsumer {
  unacked = 0;
  blocked = false;
  cancelled = false;

  constructor(
    readonly tag: string,
    readonly channel: ServerChannel,
    readonly queue: Queue,
    readonly noAck: boolean,
    readonly exclusive: boolean,
    readonly limit: number,
  ) {}

  canTake(): boolean {
    if (this.noAck) return true;
    return (this.limit === 0 || this.unacked < this.limit) && this.channel.hasCapacity();
  }

  deliver(queue: Queue, entry: QueueEntry): void {
    this.channel.deliver(this, queue, entry);
  }

  cancelledByServer(): void {
    this.channel.serverCancel(this);
  }
}

export class ServerChannel {
  /** After the broker closed it with an error: everything but close-ok is ignored. */
  closing = false;
  private confirm = false;
  private publishSeq = 0;
  private tx: { publishes: Publish[]; settlements: Settlement[] } | null = null;
  private nextTag = 1;
  private readonly unacked = new Map<number, Delivery>();
  private consumedUnacked = 0;
  private readonly consumers = new Map<string, Consumer>();
  private consumerPrefetch = 0;
  private channelPrefetch = 0;
  private lastQueue = "";

  constructor(
    readonly connection: ServerConnection,
    readonly id: number,
  ) {}

  private get vhost() {
    return this.connection.broker.vhost;
  }

  hasCapacity(): boolean {
    return this.channelPrefetch === 0 || this.consumedUnacked < this.channelPrefetch;
  }

  /** Handles one method from the client; a BrokerError closes the channel or connection. */
  handle(method: number, fields: Fields, publish?: Publish): void {
    switch (method) {
      case M.BasicPublish:
        return this.publish(publish as Publish);
      case M.BasicAck:
        return this.settle("ack", fields.deliveryTag as number, fields.multiple as boolean);
      case M.BasicNack:
        return this.settle(fields.requeue ? "requeue" : "discard", fields.deliveryTag as number, fields.multiple as boolean);
      case M.BasicReject:
        return this.settle(fields.requeue ? "requeue" : "discard", fields.deliveryTag as number, false);
      case M.BasicGet:
        return this.get(fields);
      case M.BasicConsume:
        return this.consume(fields);
      case M.BasicCancel:
        return this.cancel(fields.consumerTag as string);
      case M.BasicQos:
        return this.qos(fields);
      case M.BasicRecover:
        this.requeueAll();
        return this.reply(M.BasicRecoverOk, {});
      case M.ExchangeDeclare:
        return this.declareExchange(fields);
      case M.ExchangeDelete:
        this.vhost.deleteExchange(fields.exchange as string, fields.ifUnused as boolean);
        return this.reply(M.ExchangeDeleteOk, {});
      case M.ExchangeBind:
      case M.ExchangeUnbind: {
        const bind = method === M.ExchangeBind;
        const f = [fields.destination as string, fields.source as string, fields.routingKey as string, fields.arguments as Fields] as const;
        if (bind) this.vhost.bind("exchange", ...f, this.connection);
        else this.vhost.unbind("exchange", ...f);
        return this.reply(bind ? M.ExchangeBindOk : M.ExchangeUnbindOk, {});
      }
      case M.QueueDeclare:
        return this.declareQueue(fields);
      case M.QueueBind:
      case M.QueueUnbind: {
        const bind = method === M.QueueBind;
        const f = [this.queueName(fields.queue as string), fields.exchange as string, fields.routingKey as string, fields.arguments as Fields] as const;
        if (bind) this.vhost.bind("queue", ...f, this.connection);
        else this.vhost.unbind("queue", ...f);
        return this.reply(bind ? M.QueueBindOk : M.QueueUnbindOk, {});
      }
      case M.QueuePurge: {
        const queue = this.vhost.queue(this.queueName(fields.queue as string), this.connection);
        return this.reply(M.QueuePurgeOk, { messageCount: queue.purge() });
      }
      case M.QueueDelete:
        return this.deleteQueue(fields);
      case M.ConfirmSelect:
        if (this.tx) throw new BrokerError(PRECONDITION_FAILED, "cannot switch from tx to confirm mode");
        this.confirm = true;
        if (!fields.nowait) this.reply(M.ConfirmSelectOk, {});
        return;
      case M.TxSelect:
        if (this.confirm) throw new BrokerError(PRECONDITION_FAILED, "cannot switch from confirm to tx mode");
        this.tx ??= { publishes: [], settlements: [] };
        return this.reply(M.TxSelectOk, {});
      case M.TxCommit:
        return this.commit();
      case M.TxRollback:
        return this.rollback();
      case M.ChannelFlow:
        throw new BrokerError(NOT_IMPLEMENTED, "active=false", "connection");
      default:
        throw new BrokerError(COMMAND_INVALID, `unknown method ${method}`, "connection");
    }
  }

  // --- declarations ---

  private declareExchange(f: Fields): void {
    this.vhost.declareExchange(
      f.exchange as string,
      {
        type: f.type as string,
        durable: f.durable as boolean,
        autoDelete: f.autoDelete as boolean,
        internal: f.internal as boolean,
        arguments: f.arguments as Fields,
      },
      f.passive as boolean,
    );
    if (!f.nowait) this.reply(M.ExchangeDeclareOk, {});
  }

  private declareQueue(f: Fields): void {
    const serverNamed = f.queue === "" && !f.passive;
    const name = serverNamed ? this.vhost.generateQueueName() : this.queueName(f.queue as string);
    const queue = this.vhost.declareQueue(
      name,
      {
        durable: f.durable as boolean,
        exclusive: f.exclusive as boolean,
        autoDelete: f.autoDelete as boolean,
        arguments: f.arguments as Fields,
      },
      f.passive as boolean,
      this.connection,
      serverNamed,
    );
    this.lastQueue = name;
    if (!f.nowait) this.reply(M.QueueDeclareOk, { queue: name, messageCount: queue.messageCount, consumerCount: queue.consumerCount });
  }

  private deleteQueue(f: Fields): void {
    const name = this.queueName(f.queue as string);
    const queue = this.vhost.queues.get(name);
    if (!queue) return this.reply(M.QueueDeleteOk, { messageCount: 0 });
    this.vhost.assertAccessible(queue, this.connection);
    if (f.ifUnused && queue.consumerCount > 0) throw new BrokerError(PRECONDITION_FAILED, `${queueResource(name)} in use`);
    if (f.ifEmpty && queue.messageCount > 0) throw new BrokerError(PRECONDITION_FAILED, `${queueResource(name)} not empty`);
    const messageCount = queue.messageCount;
    this.vhost.deleteQueue(queue);
    this.reply(M.QueueDeleteOk, { messageCount });
  }

  /** An empty queue name means the queue this channel declared last (AMQP 0-9-1). */
  private queueName(name: string): string {
    if (name !== "") return name;
    if (this.lastQueue === "") throw new BrokerError(404, "no previously declared queue");
    return this.lastQueue;
  }

  // --- publishing ---

  private publish(p: Publish): void {
    const exchangeName = p.fields.exchange as string;
    const exchange = exchangeName === "" ? DEFAULT_EXCHANGE : this.vhost.exchanges.get(exchangeName);
    if (!exchange) throw noExchange(exchangeName);
    if (exchange.internal) {
      throw new BrokerError(ACCESS_REFUSED, `cannot publish to internal ${exchangeResource(exchangeName)}`);
    }
    checkPublishProperties(p.properties);
    if (this.confirm) this.publishSeq += 1;
    if (this.tx) {
      this.tx.publishes.push(p);
      return;
    }
    this.route(exchange, p, this.publishSeq);
  }

  private route(exchange: Exchange, p: Publish, seq: number): void {
    const routingKey = p.fields.routingKey as string;
    const headers = p.properties.headers as Fields | undefined;
    let keys: string[] = [routingKey];
    let msg = createMessage(exchange.name, keys, p, p.properties);
    if (headers && (headers.CC !== undefined || headers.BCC !== undefined)) {
      keys = [routingKey, ...stringArray(headers.CC), ...stringArray(headers.BCC)];
      const props = properties(msg);
      const decodedHeaders = props.headers as Fields;
      // BCC keys route the message but must not reach any consumer.
      delete decodedHeaders.BCC;
      msg = republish(msg, props, exchange.name, keys);
    }
    const queues = this.vhost.route(exchange, msg, keys);
    let rejected = false;
    for (const queue of queues) if (queue.enqueue(msg) === "rejected") rejected = true;
    if (!queues.length && p.fields.mandatory) {
      this.sendContent(M.BasicReturn, { replyCode: 312, replyText: "NO_ROUTE", exchange: exchange.name, routingKey }, msg);
    }
    if (this.confirm) {
      this.connection.send(this.id, rejected ? M.BasicNack : M.BasicAck, rejected
        ? { deliveryTag: seq, multiple: false, requeue: false }
        : { deliveryTag: seq, multiple: false });
    }
  }

  // --- consuming ---

  private consume(f: Fields): void {
    const queue = this.vhost.queue(this.queueName(f.queue as string), this.connection);
    if ((f.arguments as Fields)["x-priority"] !== undefined) throw notReproduced("consumer priorities (x-priority)");
    let tag = f.consumerTag as string;
    if (tag === "") tag = `amq.ctag-${randomBytes(16).toString("base64url").slice(0, 22)}`;
    else if (this.consumers.has(tag)) throw new BrokerError(NOT_ALLOWED, `attempt to reuse consumer tag '${tag}'`, "connection");
    const exclusiveUse = [...queue.consumers].some((c) => (c as Consumer).exclusive);
    if (exclusiveUse || (f.exclusive && queue.consumerCount > 0)) {
      throw new BrokerError(ACCESS_REFUSED, `${queueResource(queue.name)} in exclusive use`);
    }
    const consumer = new Consumer(tag, this, queue, f.noAck as boolean, f.exclusive as boolean, this.consumerPrefetch);
    this.consumers.set(tag, consumer);
    if (!f.nowait) this.reply(M.BasicConsumeOk, { consumerTag: tag });
    queue.addConsumer(consumer);
  }

  private cancel(tag: string): void {
    const consumer = this.consumers.get(tag);
    if (consumer) {
      this.consumers.delete(tag);
      consumer.queue.removeConsumer(consumer);
    }
    this.reply(M.BasicCancelOk, { consumerTag: tag });
  }

  /** The queue was deleted under the consumer: RabbitMQ tells the client with basic.cancel. */
  serverCancel(consumer: Consumer): void {
    if (this.consumers.get(consumer.tag) !== consumer) return;
    this.consumers.delete(consumer.tag);
    this.connection.send(this.id, M.BasicCancel, { consumerTag: consumer.tag, nowait: false });
  }

  deliver(consumer: Consumer, queue: Queue, entry: QueueEntry): void {
    const tag = this.nextTag++;
    if (!consumer.noAck) {
      this.unacked.set(tag, { tag, queue, entry, consumer });
      consumer.unacked += 1;
      this.consumedUnacked += 1;
    }
    this.sendContent(
      M.BasicDeliver,
      { consumerTag: consumer.tag, deliveryTag: tag, redelivered: entry.redelivered, exchange: entry.msg.exchange, routingKey: entry.msg.routingKey },
      entry.msg,
      // Through basic.consume a quorum queue adds the count only once it is above zero.
      queue.features.type === "quorum" && entry.deliveryCount > 0 ? entry.deliveryCount : undefined,
    );
  }

  private get(f: Fields): void {
    const queue = this.vhost.queue(this.queueName(f.queue as string), this.connection);
    const noAck = f.noAck as boolean;
    const entry = queue.fetch(noAck);
    this.vhost.queueUsed(queue);
    if (!entry) return this.reply(M.BasicGetEmpty, { clusterId: "" });
    const tag = this.nextTag++;
    if (!noAck) this.unacked.set(tag, { tag, queue, entry, consumer: null });
    this.sendContent(
      M.BasicGetOk,
      { deliveryTag: tag, redelivered: entry.redelivered, exchange: entry.msg.exchange, routingKey: entry.msg.routingKey, messageCount: queue.messageCount },
      entry.msg,
      queue.features.type === "quorum" ? entry.deliveryCount : undefined,
    );
  }

  private qos(f: Fields): void {
    if (f.prefetchSize !== 0) throw new BrokerError(NOT_IMPLEMENTED, `prefetch_size!=0 (${f.prefetchSize})`, "connection");
    if (f.global) {
      this.channelPrefetch = f.prefetchCount as number;
      this.unblockConsumers();
    } else {
      this.consumerPrefetch = f.prefetchCount as number;
    }
    this.reply(M.BasicQosOk, {});
  }

  // --- acknowledgements ---

  /** ack / nack / reject: the tags are checked now, the outcome waits for commit in a transaction. */
  private settle(kind: Settlement["kind"], tag: number, multiple: boolean): void {
    const deliveries = this.collect(tag, multiple);
    for (const d of deliveries) this.unacked.delete(d.tag);
    if (this.tx) this.tx.settlements.push({ kind, deliveries });
    else this.apply({ kind, deliveries });
  }

  private collect(tag: number, multiple: boolean): Delivery[] {
    if (multiple) {
      if (tag !== 0 && !this.unacked.has(tag)) throw unknownDeliveryTag(tag);
      const out: Delivery[] = [];
      for (const d of this.unacked.values()) {
        if (tag !== 0 && d.tag > tag) break;
        out.push(d);
      }
      return out;
    }
    const d = this.unacked.get(tag);
    if (!d) throw unknownDeliveryTag(tag);
    return [d];
  }

  private apply({ kind, deliveries }: Settlement): void {
    if (kind === "requeue" || kind === "return") {
      for (const [queue, entries] of byQueue(deliveries)) queue.requeue(entries, kind === "requeue" ? "nack" : "return");
    } else {
      for (const d of deliveries) {
        if (kind === "ack") d.queue.settle();
        else d.queue.discard(d.entry);
      }
    }
    let freed = false;
    for (const d of deliveries) {
      if (!d.consumer) continue;
      d.consumer.unacked -= 1;
      this.consumedUnacked -= 1;
      freed = true;
    }
    if (!freed) return;
    // With a channel-wide limit any of the channel's consumers may now take more; otherwise
    // only those that got messages back (unblock is a no-op for a consumer that was not blocked).
    if (this.channelPrefetch) this.unblockConsumers();
    else for (const d of deliveries) if (d.consumer) d.consumer.queue.unblock(d.consumer);
  }

  private unblockConsumers(): void {
    for (const c of this.consumers.values()) c.queue.unblock(c);
  }

  /**
   * basic.recover, and what closing a channel does: every unacked message goes back, including
   * those acknowledged in a transaction that was never committed.
   */
  private requeueAll(): void {
    const deliveries = [...this.unacked.values()];
    if (this.tx) {
      for (const s of this.tx.settlements) deliveries.push(...s.deliveries);
      this.tx.settlements = [];
      deliveries.sort((a, b) => a.tag - b.tag);
    }
    this.unacked.clear();
    if (deliveries.length) this.apply({ kind: "return", deliveries });
  }

  // --- transactions ---

  private commit(): void {
    if (!this.tx) throw new BrokerError(PRECONDITION_FAILED, "channel is not transactional");
    const { publishes, settlements } = this.tx;
    this.tx = { publishes: [], settlements: [] };
    for (const p of publishes) {
      const name = p.fields.exchange as string;
      const exchange = name === "" ? DEFAULT_EXCHANGE : this.vhost.exchanges.get(name);
      if (exchange) this.route(exchange, p, 0);
    }
    for (const s of settlements) this.apply(s);
    this.reply(M.TxCommitOk, {});
  }

  /** Discards the publishes; acked messages become unacknowledged again, as RabbitMQ does. */
  private rollback(): void {
    if (!this.tx) throw new BrokerError(PRECONDITION_FAILED, "channel is not transactional");
    const returned = this.tx.settlements.flatMap((s) => s.deliveries);
    this.tx = { publishes: [], settlements: [] };
    if (returned.length) {
      const all = [...this.unacked.values(), ...returned].sort((a, b) => a.tag - b.tag);
      this.unacked.clear();
      for (const d of all) this.unacked.set(d.tag, d);
    }
    this.reply(M.TxRollbackOk, {});
  }

  // --- closing ---

  /** The channel goes away (closed by either side, or with its connection). */
  shutdown(): void {
    for (const consumer of this.consumers.values()) consumer.queue.removeConsumer(consumer);
    this.consumers.clear();
    this.requeueAll();
    this.tx = null;
  }

  /** Persistent messages of durable queues delivered on this channel, for a restart to bring back. */
  unackedDeliveries(): { queue: Queue; entry: QueueEntry }[] {
    return [...this.unacked.values()];
  }

  // --- frames ---

  private reply(method: number, fields: Fields): void {
    this.connection.send(this.id, method, fields);
  }

  /** Quorum queues add x-delivery-count (basic.get from 0, basic.consume from 1). */
  private sendContent(method: number, fields: Fields, msg: Message, deliveryCount?: number): void {
    const props = properties(msg);
    if (deliveryCount !== undefined) props.headers = { ...((props.headers as Fields | undefined) ?? {}), "x-delivery-count": deliveryCount };
    this.connection.sendContent(this.id, method, fields, props, bodyCopy(msg));
  }
}

function byQueue(deliveries: Delivery[]): Map<Queue, QueueEntry[]> {
  const map = new Map<Queue, QueueEntry[]>();
  for (const d of deliveries) {
    let list = map.get(d.queue);
    if (!list) map.set(d.queue, (list = []));
    list.push(d.entry);
  }
  return map;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** What RabbitMQ refuses in the properties of a publish. */
function checkPublishProperties(props: Fields): void {
  const expiration = props.expiration;
  if (expiration !== undefined) {
    // RabbitMQ reads it with Erlang's string:to_integer and names what it could not read.
    const text = String(expiration);
    const digits = /^[+-]?\d+/.exec(text)?.[0];
    const problem =
      digits === undefined
        ? "no_integer"
        : digits.length < text.length
          ? `{leftover_string,"${text.slice(digits.length)}"}`
          : Number(digits) < 0
            ? `{value_negative,${Number(digits)}}`
            : undefined;
    if (problem) throw new BrokerError(PRECONDITION_FAILED, `invalid expiration '${text}': ${problem}`);
  }
  if (props.userId !== undefined && props.userId !== "guest") {
    throw new BrokerError(PRECONDITION_FAILED, `user_id property set to '${String(props.userId)}' but authenticated user was 'guest'`);
  }
}
