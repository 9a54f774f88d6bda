// Message TTL: the queue's x-message-ttl and the message's expiration property, the lower
// winning. Expiry happens only at the head of the queue (queue.ts); this module computes the
// deadline and keeps the one timer a queue needs for its head.
import type { Message } from "../message";

export function expiresAt(msg: Message, queueTtl: number | undefined, now: number): number {
  const messageTtl = msg.expiration === undefined ? undefined : Number(msg.expiration);
  const ttl = Math.min(queueTtl ?? Infinity, messageTtl ?? Infinity);
  return ttl === Infinity ? Infinity : now + ttl;
}

/**
 * A single timer for the head's deadline. Unref'd: the broker never keeps the process alive by
 * itself; an open connection does that (broker.ts), as a socket would.
 */
export class ExpiryTimer {
  private timer: NodeJS.Timeout | undefined;
  private due = Infinity;

  constructor(private readonly onDue: () => void) {}

  schedule(at: number, now: number): void {
    if (at === this.due && this.timer) return;
    this.clear();
    if (at === Infinity) return;
    this.due = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.due = Infinity;
      this.onDue();
    }, Math.max(0, at - now));
    this.timer.unref();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.due = Infinity;
  }
}
