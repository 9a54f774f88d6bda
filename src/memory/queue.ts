// A queue: messages ready for delivery, consumers served in turn, and what happens to a message
// when it is acknowledged, requeued, rejected or expires. Optional behaviour comes from the
// queue's arguments through the feature modules.
import type { Fields } from "../amqplib-internals";
import { Deque } from "./deque";
import { deadLetter, type DeadLetterReason } from "./features/dead-letter";
import { admit, trimToMaxLength } from "./features/max-length";
import { expiresAt, ExpiryTimer } from "./features/ttl";
import type { QueueFeatures } from "./features/queue-arguments";
import { bodySize, type Message } from "./message";
import type { QueueEntry, ReadyStore } from "./ready-store";
import type { VirtualHost } from "./vhost";

/** The queue's view of a consumer (implemented by the channel that owns it). */
export interface QueueConsumer {
  readonly tag: string;
  readonly noAck: boolean;
  /** Whether prefetch limits let it take one more message now. */
  canTake(): boolean;
  deliver(queue: Queue, entry: QueueEntry): void;
  /** Told when the queue is deleted under it (basic.cancel from the server). */
  cancelledByServer(queue: Queue): void;
  blocked: boolean;
  cancelled: boolean;
}

export interface QueueOptions {
  durable: boolean;
  exclusiveOwner: object | null;
  autoDelete: boolean;
  arguments: Fields;
}

export type EnqueueResult = "enqueued" | "rejected";

export class Queue {
  readonly store: ReadyStore;
  readonly consumers = new Set<QueueConsumer>();
  /** Consumers able to take messages, in turn order; blocked or cancelled ones are skipped lazily. */
  private readonly turn = new Deque<QueueConsumer>();
  private readonly expiry: ExpiryTimer;
  private nextSeq = 0;
  unacked = 0;
  readyBytes = 0;
  hadConsumer = false;
  deleted = false;

  constructor(
    readonly vhost: VirtualHost,
    readonly name: string,
    readonly options: QueueOptions,
    readonly features: QueueFeatures,
  ) {
    this.store = features.createStore();
    this.expiry = new ExpiryTimer(() => vhost.step(() => this.expireDue()));
  }

  get messageCount(): number {
    return this.store.length;
  }

  get consumerCount(): number {
    return this.consumers.size;
  }

  get durable(): boolean {
    return this.options.durable;
  }

  /** Adds a routed message; a full queue may refuse it (overflow reject-publish). */
  enqueue(msg: Message): EnqueueResult {
    const size = bodySize(msg);
    const verdict = admit(this, size);
    if (verdict !== "accept") {
      if (verdict === "reject-dead-letter") deadLetter(this, msg, "maxlen");
      return "rejected";
    }
    const now = Date.now();
    this.store.push({
      msg,
      seq: this.nextSeq++,
      redelivered: false,
      deliveryCount: 0,
      expiresAt: expiresAt(msg, this.features.messageTtl, now),
    });
    this.readyBytes += size;
    this.dispatch(now);
    trimToMaxLength(this);
    return "enqueued";
  }

  /** Hands ready messages to consumers that can take them, in turn. */
  dispatch(now = Date.now()): void {
    while (this.store.length && this.turn.length) {
      const consumer = this.turn.peek() as QueueConsumer;
      if (consumer.cancelled) {
        this.turn.shift();
        continue;
      }
      if (!consumer.canTake()) {
        this.turn.shift();
        consumer.blocked = true;
        continue;
      }
      const entry = this.takeHead(now);
      if (!entry) break;
      this.turn.shift();
      this.turn.push(consumer);
      if (!consumer.noAck) this.unacked += 1;
      consumer.deliver(this, entry);
    }
    // What no consumer could take is dead if its time is up (a TTL of 0 means "now or never").
    this.dropExpired(now, true);
    this.expiry.schedule(this.store.peek()?.expiresAt ?? Infinity, now);
  }

  /** basic.get: the head message, whatever the prefetch. */
  fetch(noAck: boolean): QueueEntry | undefined {
    const now = Date.now();
    const entry = this.takeHead(now);
    if (entry && !noAck) this.unacked += 1;
    // The count basic.get-ok reports leaves out an expired message the fetch brought to the head.
    this.dropExpired(now, true);
    this.expiry.schedule(this.store.peek()?.expiresAt ?? Infinity, now);
    return entry;
  }

  /** Consumer turn order: RabbitMQ appends a consumer when it subscribes or becomes unblocked. */
  addConsumer(consumer: QueueConsumer): void {
    this.consumers.add(consumer);
    this.hadConsumer = true;
    this.turn.push(consumer);
    this.vhost.queueUsed(this);
    this.dispatch();
  }

  removeConsumer(consumer: QueueConsumer): void {
    consumer.cancelled = true;
    this.consumers.delete(consumer);
    if (this.options.autoDelete && this.consumers.size === 0 && this.hadConsumer) this.vhost.deleteQueue(this);
    else this.vhost.queueUsed(this);
  }

  unblock(consumer: QueueConsumer): void {
    if (!consumer.blocked || consumer.cancelled) return;
    consumer.blocked = false;
    this.turn.push(consumer);
    this.dispatch();
  }

  /** An acknowledged (or auto-acked on requeue-less reject) message leaves the queue for good. */
  settle(): void {
    this.unacked -= 1;
  }

  /**
   * Puts delivered messages back, marked redelivered: a client's nack or reject with requeue
   * ("nack"), or its channel going away ("return"). Classic queues treat both alike; a quorum
   * queue sends nacked messages to the back and returned ones to the front.
   */
  requeue(entries: QueueEntry[], how: "nack" | "return"): void {
    for (const entry of entries) {
      this.unacked -= 1;
      if (this.deleted) continue;
      entry.redelivered = true;
      if (this.features.returned(this, entry) === "dead") continue;
      if (how === "nack" && this.features.type === "quorum") this.store.push(entry);
      else this.store.requeue(entry);
      this.readyBytes += bodySize(entry.msg);
    }
    this.dispatch();
    trimToMaxLength(this);
  }

  /** Rejected without requeue: dead-lettered when the queue has a dead-letter exchange. */
  discard(entry: QueueEntry): void {
    this.unacked -= 1;
    if (!this.deleted) deadLetter(this, entry.msg, "rejected");
  }

  purge(): number {
    const entries = this.store.drain();
    this.readyBytes = 0;
    this.expiry.clear();
    return entries.length;
  }

  /** Removes the head and dead-letters it (expired, or maxlen). */
  dropHead(reason: DeadLetterReason): void {
    const entry = this.store.shift();
    if (!entry) return;
    this.readyBytes -= bodySize(entry.msg);
    deadLetter(this, entry.msg, reason);
  }

  /** Called by the vhost when the queue is deleted: consumers hear of it, timers stop. */
  destroy(): void {
    this.deleted = true;
    this.expiry.clear();
    for (const consumer of [...this.consumers]) {
      consumer.cancelled = true;
      consumer.cancelledByServer(this);
    }
    this.consumers.clear();
    this.turn.clear();
    this.store.drain();
    this.readyBytes = 0;
  }

  /**
   * After a restart only persistent messages are left (quorum queues keep every message);
   * consumers are gone with their connections.
   */
  recoverAfterRestart(): void {
    const keep = this.store.drain().filter((e) => e.msg.persistent || this.features.type === "quorum");
    this.readyBytes = 0;
    this.consumers.clear();
    this.turn.clear();
    for (const entry of keep) {
      this.store.push(entry);
      this.readyBytes += bodySize(entry.msg);
    }
    this.vhost.queueUsed(this);
    this.dispatch();
  }


  private expireDue(): void {
    const now = Date.now();
    this.dropExpired(now, true);
    this.dispatch(now);
  }

  private takeHead(now: number): QueueEntry | undefined {
    this.dropExpired(now, false);
    const entry = this.store.shift();
    if (entry) this.readyBytes -= bodySize(entry.msg);
    return entry;
  }

  /**
   * RabbitMQ expires messages only at the head of the queue. A message whose time is up this
   * very millisecond may still go to a consumer waiting for it (`inclusive` false), which is
   * what makes a TTL of 0 mean "deliver now or never".
   */
  private dropExpired(now: number, inclusive: boolean): void {
    let head = this.store.peek();
    while (head && (inclusive ? head.expiresAt <= now : head.expiresAt < now)) {
      this.dropHead("expired");
      head = this.store.peek();
    }
  }
}
