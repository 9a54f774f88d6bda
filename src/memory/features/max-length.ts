// x-max-length and x-max-length-bytes. Overflow `drop-head` (the default) takes the new message
// and dead-letters the oldest ones; `reject-publish` refuses the new one (a publisher nack on a
// confirm channel); `reject-publish-dlx` refuses it and dead-letters it too.
import type { Queue } from "../queue";

export type Admission = "accept" | "reject" | "reject-dead-letter";

/** RabbitMQ checks whether one more message would overflow before it delivers or enqueues. */
export function admit(queue: Queue, size: number): Admission {
  const { maxLength, maxLengthBytes, overflow } = queue.features;
  if (overflow === "drop-head") return "accept";
  const overflows =
    (maxLength !== undefined && queue.messageCount + 1 > maxLength) ||
    (maxLengthBytes !== undefined && queue.readyBytes + size > maxLengthBytes);
  if (!overflows) return "accept";
  return overflow === "reject-publish" ? "reject" : "reject-dead-letter";
}

export function trimToMaxLength(queue: Queue): void {
  const { maxLength, maxLengthBytes, overflow } = queue.features;
  if (overflow !== "drop-head") return;
  while (
    queue.messageCount > 0 &&
    ((maxLength !== undefined && queue.messageCount > maxLength) ||
      (maxLengthBytes !== undefined && queue.readyBytes > maxLengthBytes))
  ) {
    queue.dropHead("maxlen");
  }
}
