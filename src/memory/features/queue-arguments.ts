// Reads a queue's x-arguments into the features the queue runs with, refusing what RabbitMQ
// 3.10 refuses, with its texts ("invalid arg 'x-message-ttl' for queue 'q' in vhost '/': ...").
import type { Fields } from "../../amqplib-internals";
import { amqpTypeOf, amqpValueText } from "../amqp-types";
import { BrokerError, notReproduced, PRECONDITION_FAILED, queueResource } from "../errors";
import { ClassicStore, type QueueEntry, type ReadyStore } from "../ready-store";
import type { Queue } from "../queue";
import { deadLetter } from "./dead-letter";
import { PriorityStore } from "./priority";
import { QuorumStore } from "./quorum";

export type Overflow = "drop-head" | "reject-publish" | "reject-publish-dlx";

export interface QueueFeatures {
  type: "classic" | "quorum";
  messageTtl?: number;
  expires?: number;
  deadLetterExchange?: string;
  deadLetterRoutingKey?: string;
  maxLength?: number;
  maxLengthBytes?: number;
  overflow: Overflow;
  maxPriority?: number;
  deliveryLimit?: number;
  createStore(): ReadyStore;
  /** A delivered message comes back: "requeue" it, or it died (quorum delivery limit). */
  returned(queue: Queue, entry: QueueEntry): "requeue" | "dead";
}

type Check = (value: unknown) => string | undefined;

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const notInteger = (v: unknown) => `"expected integer, got ${amqpTypeOf(v)}"`;

const nonNegativeInt: Check = (v) => (!isInt(v) ? notInteger(v) : v < 0 ? `{value_negative,${v}}` : undefined);
const positiveInt: Check = (v) =>
  !isInt(v) ? notInteger(v) : v < 0 ? `{value_negative,${v}}` : v === 0 ? `{value_zero,${v}}` : undefined;
const longstr: Check = (v) => (typeof v === "string" ? undefined : `{unacceptable_type,${amqpTypeOf(v)}}`);

const CHECKS: Record<string, Check> = {
  "x-expires": positiveInt,
  "x-message-ttl": nonNegativeInt,
  "x-dead-letter-routing-key": longstr,
  "x-max-length": nonNegativeInt,
  "x-max-length-bytes": nonNegativeInt,
  "x-max-priority": (v) =>
    !isInt(v) ? notInteger(v) : v < 0 ? `{value_negative,${v}}` : v > 255 ? `{max_value_exceeded,${v}}` : undefined,
  "x-overflow": (v) =>
    typeof v !== "string"
      ? `{unacceptable_type,${amqpTypeOf(v)}}`
      : ["drop-head", "reject-publish", "reject-publish-dlx"].includes(v)
        ? undefined
        : "invalid_overflow",
  "x-delivery-limit": nonNegativeInt,
  "x-queue-type": (v) =>
    typeof v === "string" && QUEUE_TYPES.includes(v) ? undefined : `"unsupported queue type '${amqpValueText(v)}'"`,
};

const QUEUE_TYPES = ["classic", "quorum", "stream"];

/** Arguments a queue type refuses ("invalid arg ... of queue type rabbit_quorum_queue"). */
const UNSUPPORTED: Record<string, string[]> = {
  classic: ["x-delivery-limit"],
  quorum: ["x-max-priority", "x-queue-mode", "x-queue-master-locator", "x-queue-version"],
  stream: [],
};

export interface QueueProperties {
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
}

export function parseQueueArguments(name: string, args: Fields, props: QueueProperties): QueueFeatures {
  const fail = (text: string) => new BrokerError(PRECONDITION_FAILED, text);
  for (const [key, check] of Object.entries(CHECKS)) {
    if (args[key] === undefined) continue;
    const problem = check(args[key]);
    if (problem) throw fail(`invalid arg '${key}' for ${queueResource(name)}: ${problem}`);
  }
  const dlx = args["x-dead-letter-exchange"];
  if (dlx !== undefined && typeof dlx !== "string") {
    throw fail(`invalid type '${amqpTypeOf(dlx)}' for arg 'x-dead-letter-exchange' in ${queueResource(name)}`);
  }
  if (args["x-dead-letter-routing-key"] !== undefined && dlx === undefined) {
    throw fail(`invalid arg 'x-dead-letter-routing-key' for ${queueResource(name)}: routing_key_but_no_dlx_defined`);
  }
  const queueType = (args["x-queue-type"] as string | undefined) ?? "classic";
  for (const key of UNSUPPORTED[queueType]) {
    if (args[key] !== undefined) throw fail(`invalid arg '${key}' for ${queueResource(name)} of queue type rabbit_${queueType}_queue`);
  }
  if (queueType !== "classic") {
    // Replicated queue types live as long as the cluster: no auto-delete, no owner, durable.
    if (props.autoDelete) throw fail(`invalid property 'auto-delete' for ${queueResource(name)}`);
    if (props.exclusive) throw fail(`invalid property 'exclusive-owner' for ${queueResource(name)}`);
    if (!props.durable) throw fail(`invalid property 'non-durable' for ${queueResource(name)}`);
  }
  if (queueType === "stream") throw notReproduced("stream queues (x-queue-type 'stream')");
  if (args["x-single-active-consumer"] === true) throw notReproduced("single active consumer (x-single-active-consumer)");
  const type = queueType === "quorum" ? "quorum" : "classic";
  const maxPriority = type === "classic" ? (args["x-max-priority"] as number | undefined) : undefined;
  const deliveryLimit = type === "quorum" ? (args["x-delivery-limit"] as number | undefined) : undefined;
  return {
    type,
    messageTtl: args["x-message-ttl"] as number | undefined,
    expires: args["x-expires"] as number | undefined,
    deadLetterExchange: args["x-dead-letter-exchange"] as string | undefined,
    deadLetterRoutingKey: args["x-dead-letter-routing-key"] as string | undefined,
    maxLength: args["x-max-length"] as number | undefined,
    maxLengthBytes: args["x-max-length-bytes"] as number | undefined,
    overflow: (args["x-overflow"] as Overflow | undefined) ?? "drop-head",
    maxPriority,
    deliveryLimit,
    createStore: () =>
      type === "quorum" ? new QuorumStore() : maxPriority !== undefined ? new PriorityStore(maxPriority) : new ClassicStore(),
    returned: (queue, entry) => {
      if (type !== "quorum") return "requeue";
      entry.deliveryCount += 1;
      if (deliveryLimit !== undefined && entry.deliveryCount > deliveryLimit) {
        deadLetter(queue, entry.msg, "delivery_limit");
        return "dead";
      }
      return "requeue";
    },
  };
}

/** Arguments RabbitMQ compares when a queue is declared again. */
export const EQUIVALENCE_KEYS = [
  "x-expires",
  "x-message-ttl",
  "x-dead-letter-exchange",
  "x-dead-letter-routing-key",
  "x-max-length",
  "x-max-length-bytes",
  "x-max-priority",
  "x-overflow",
  "x-queue-mode",
  "x-queue-type",
  "x-delivery-limit",
  "x-single-active-consumer",
];
