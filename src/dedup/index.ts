// Idempotent consumers: at-least-once delivery plus a memory of what was already handled.
import type { Message } from "../amqp";
import { DedupStore } from "./store";

export { DedupStore, type DedupStoreOptions, type DedupStats, type OnceResult } from "./store";

/** The message's messageId; throws a sentence saying what to do when the publisher set none. */
export function messageKey(message: Message): string {
  const id = message.properties.messageId;
  if (typeof id !== "string" || id === "") {
    throw new Error("this message has no messageId: publish with { messageId: ... }, or key the store by a business field (e.g. the order id in the body)");
  }
  return id;
}

/** Raised by an idempotent handler for a duplicate that arrived while the first copy is still being handled. */
export class StillInProgress extends Error {
  override readonly name = "StillInProgress";
}

/**
 * Wraps a message handler so that `work` runs once per key (default: messageId). Duplicates
 * resolve without running it (so they are acked); a duplicate that arrives while the first copy
 * is still being handled throws StillInProgress (so a retrying consumer tries it again later).
 * Resolves to true when the work ran.
 */
export function idempotent<A extends unknown[]>(
  store: DedupStore,
  work: (message: Message, ...rest: A) => unknown,
  keyOf: (message: Message) => string = messageKey,
): (message: Message, ...rest: A) => Promise<boolean> {
  return async (message, ...rest) => {
    const key = keyOf(message);
    const result = await store.once(key, () => work(message, ...rest));
    if (!result.ran && result.reason === "in progress") throw new StillInProgress(`${key} is being handled by another delivery`);
    return result.ran;
  };
}
