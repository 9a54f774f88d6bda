// Small helpers the exercise checks of lessons 01-03 share: waiting for something to happen,
// reading a queue out, and catching errors that escape a learner's consumer callback.
import type { Channel, GetMessage } from "../amqp";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves true once `condition` holds, false when `timeoutMs` passes first. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (performance.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/** Takes every message out of `queue` (basic.get with noAck) and returns them in order. */
export async function takeAll(ch: Channel, queue: string): Promise<GetMessage[]> {
  const all: GetMessage[] = [];
  for (let m = await ch.get(queue, { noAck: true }); m; m = await ch.get(queue, { noAck: true })) all.push(m);
  return all;
}

/** Bodies as text, for messages in a sentence. */
export function bodies(messages: readonly { content: Buffer }[]): string[] {
  return messages.map((m) => m.content.toString());
}

/** ["a", "b", "c"] -> `"a", "b" and "c"`; [] -> `nothing`. */
export function listing(items: readonly string[], none = "nothing"): string {
  const quoted = items.map((i) => `"${i}"`);
  if (quoted.length === 0) return none;
  if (quoted.length === 1) return quoted[0]!;
  return `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/**
 * Runs `work` while collecting promise rejections nobody handled (an error thrown in an async
 * consumer callback). Node.js would end the process for one; here the check reports it instead.
 */
export async function catchingEscapes<T>(work: (escaped: readonly unknown[]) => Promise<T>): Promise<T> {
  const escaped: unknown[] = [];
  const listener = (reason: unknown) => void escaped.push(reason);
  process.on("unhandledRejection", listener);
  try {
    return await work(escaped);
  } finally {
    // A rejection is reported one turn after it happens: give the last one a moment.
    await sleep(1);
    process.off("unhandledRejection", listener);
  }
}
