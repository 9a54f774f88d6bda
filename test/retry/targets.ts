// The brokers a test runs against: a fresh in-memory broker always, the live RabbitMQ named by
// AMQP_URL too. Names carry a random suffix: the live broker is shared with other runs.
import { randomBytes } from "node:crypto";
import type { BrokerConnection } from "../../src/amqp";
import { connect } from "../../src/connect";
import { MemoryBroker } from "../../src/memory/broker";

export interface Target {
  label: string;
  connect(): Promise<BrokerConnection>;
}

export function targets(): Target[] {
  const list: Target[] = [];
  const broker = new MemoryBroker();
  // "" (not undefined) keeps connect() from reading AMQP_URL.
  list.push({ label: "in-memory broker", connect: () => connect("", { broker }) });
  const url = process.env.AMQP_URL;
  if (url) list.push({ label: "live broker", connect: () => connect(url) });
  return list;
}

export function uniqueName(label: string): string {
  return `test.${label}.${randomBytes(3).toString("hex")}`;
}
