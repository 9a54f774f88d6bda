import { exec } from "node:child_process";
import { promisify } from "node:util";
import * as amqplib from "amqplib";
import { defaultBroker, type MemoryBroker } from "./memory/broker";
import { redactUrl } from "./mode";

export interface RestartOptions {
  /** Real mode: the broker to wait for (default AMQP_URL). */
  url?: string;
  /** Memory mode: the broker to restart (default: the process's in-memory broker). */
  broker?: MemoryBroker;
  /** Real mode: the shell command that restarts RabbitMQ (default RABBITMQ_RESTART_COMMAND). */
  command?: string;
  /** Real mode: how long to wait for the broker to accept connections again. */
  timeoutMs?: number;
}

export const RESTART_COMMAND_HINT =
  "set RABBITMQ_RESTART_COMMAND, for a local broker: RABBITMQ_RESTART_COMMAND='rabbitmqctl stop_app && rabbitmqctl start_app'";

/**
 * Restarts the broker and resolves once it accepts connections again. Every open connection is
 * closed by the restart, as RabbitMQ closes them (320 CONNECTION_FORCED).
 */
export async function restartBroker(options: RestartOptions = {}): Promise<string> {
  const url = options.broker ? undefined : (options.url ?? process.env.AMQP_URL);
  if (!url) {
    (options.broker ?? defaultBroker()).restart();
    return "in-memory broker restarted";
  }
  const command = options.command ?? process.env.RABBITMQ_RESTART_COMMAND;
  if (!command) {
    throw new Error(`cannot restart the RabbitMQ at ${redactUrl(url)}: no restart command is configured; ${RESTART_COMMAND_HINT}`);
  }
  await promisify(exec)(command, { timeout: options.timeoutMs ?? 60_000 });
  await waitUntilAccepting(url, options.timeoutMs ?? 60_000);
  return `RabbitMQ at ${redactUrl(url)} restarted`;
}

async function waitUntilAccepting(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const conn = await amqplib.connect(url);
      await conn.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`RabbitMQ at ${redactUrl(url)} did not come back within ${timeoutMs} ms: ${String(err)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
