// Quorum queues: a returned message goes to the front, in the order messages were returned (not
// their original order, unlike classic queues), and counts a delivery attempt; past
// x-delivery-limit it is dead-lettered with reason delivery_limit.
import { Deque } from "../deque";
import type { QueueEntry, ReadyStore } from "../ready-store";

export class QuorumStore implements ReadyStore {
  private readonly returns = new Deque<QueueEntry>();
  private readonly messages = new Deque<QueueEntry>();

  get length(): number {
    return this.returns.length + this.messages.length;
  }

  push(entry: QueueEntry): void {
    this.messages.push(entry);
  }

  requeue(entry: QueueEntry): void {
    this.returns.push(entry);
  }

  peek(): QueueEntry | undefined {
    return this.returns.peek() ?? this.messages.peek();
  }

  shift(): QueueEntry | undefined {
    return this.returns.length ? this.returns.shift() : this.messages.shift();
  }

  drain(): QueueEntry[] {
    const all = [...this.returns, ...this.messages];
    this.returns.clear();
    this.messages.clear();
    return all;
  }
}
