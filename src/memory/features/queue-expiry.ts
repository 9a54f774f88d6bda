// x-expires: a queue unused for that long is deleted. Used means having a consumer, or being
// declared, consumed from or fetched from; each use starts the clock again.
import type { Queue } from "../queue";
import type { VirtualHost } from "../vhost";

export class QueueExpiry {
  private readonly timers = new Map<Queue, NodeJS.Timeout>();

  constructor(private readonly vhost: VirtualHost) {}

  touch(queue: Queue): void {
    const expires = queue.features.expires;
    if (expires === undefined) return;
    this.forget(queue);
    if (queue.consumerCount > 0) return;
    const timer = setTimeout(() => {
      this.timers.delete(queue);
      this.vhost.step(() => this.vhost.deleteQueue(queue));
    }, expires);
    // Never keep the process alive on the broker's account (an open connection does, see broker.ts).
    timer.unref();
    this.timers.set(queue, timer);
  }

  forget(queue: Queue): void {
    const timer = this.timers.get(queue);
    if (timer) clearTimeout(timer);
    this.timers.delete(queue);
  }
}
