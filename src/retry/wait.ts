// Waiting for something a broker does later (a TTL, a redelivery) without sleeping longer than
// it takes: poll a condition, give up with a sentence after a timeout.
import type { Channel, GetMessage } from "../amqp";

/** Resolves as soon as `condition()` is true; rejects after `timeoutMs` saying what it waited for. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; what?: string; everyMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (performance.now() > deadline) {
      throw new Error(`gave up after ${timeoutMs} ms waiting for ${options.what ?? "the condition"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 5));
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The next message of `queue` (basic.get, polled): resolves once one is there, rejects after `timeoutMs`. */
export async function waitForMessage(
  ch: Channel,
  queue: string,
  options: { timeoutMs?: number; noAck?: boolean } = {},
): Promise<GetMessage> {
  let message: GetMessage | false = false;
  const take = async () => {
    message = await ch.get(queue, { noAck: options.noAck ?? false });
    return message !== false;
  };
  await waitUntil(take, { timeoutMs: options.timeoutMs ?? 5000, what: `a message in ${queue}` });
  return message as unknown as GetMessage;
}
