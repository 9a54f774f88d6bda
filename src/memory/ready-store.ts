// Where a queue keeps the messages waiting for a consumer. Classic queues return a requeued
// message to its original position; priority and quorum queues keep theirs differently
// (features/priority.ts, features/quorum.ts).
import { Deque } from "./deque";
import { MinHeap } from "./heap";
import type { Message } from "./message";

export interface QueueEntry {
  readonly msg: Message;
  /** Position in the queue: the order in which it was enqueued. */
  readonly seq: number;
  redelivered: boolean;
  /** Times delivered and returned (quorum queues' x-delivery-count). */
  deliveryCount: number;
  /** Epoch ms after which the message is dead, or Infinity. */
  expiresAt: number;
}

export interface ReadyStore {
  readonly length: number;
  push(entry: QueueEntry): void;
  /** Puts a delivered message back (requeue). */
  requeue(entry: QueueEntry): void;
  peek(): QueueEntry | undefined;
  shift(): QueueEntry | undefined;
  /** Removes and returns every message, head first. */
  drain(): QueueEntry[];
}

/**
 * FIFO by publish order. A delivered message always left from the head, so every requeued
 * message is older than everything still in the FIFO: requeued ones go first, in their original
 * order, which a heap over the (few) requeued messages keeps.
 */
export class ClassicStore implements ReadyStore {
  private readonly fifo = new Deque<QueueEntry>();
  private readonly returned = new MinHeap<QueueEntry>((a, b) => a.seq < b.seq);

  get length(): number {
    return this.fifo.length + this.returned.length;
  }

  push(entry: QueueEntry): void {
    this.fifo.push(entry);
  }

  requeue(entry: QueueEntry): void {
    this.returned.push(entry);
  }

  peek(): QueueEntry | undefined {
    return this.returned.peek() ?? this.fifo.peek();
  }

  shift(): QueueEntry | undefined {
    return this.returned.length ? this.returned.pop() : this.fifo.shift();
  }

  drain(): QueueEntry[] {
    const all = this.returned.drain();
    for (const e of this.fifo) all.push(e);
    this.fifo.clear();
    return all;
  }
}
