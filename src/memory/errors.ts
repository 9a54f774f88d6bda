// Reply codes and texts exactly as RabbitMQ 3.10 writes them. A broker error closes the
// channel (or, for connection errors, the connection) that caused it; amqplib turns the
// close frame into the error event and promise rejection a client sees.
import { defs } from "../amqplib-internals";

export const NOT_FOUND = 404;
export const ACCESS_REFUSED = 403;
export const RESOURCE_LOCKED = 405;
export const PRECONDITION_FAILED = 406;
export const COMMAND_INVALID = 503;
export const CHANNEL_ERROR = 504;
export const NOT_ALLOWED = 530;
export const NOT_IMPLEMENTED = 540;
export const CONNECTION_FORCED = 320;

const NAMES: Record<number, string> = {
  [NOT_FOUND]: "NOT_FOUND",
  [ACCESS_REFUSED]: "ACCESS_REFUSED",
  [RESOURCE_LOCKED]: "RESOURCE_LOCKED",
  [PRECONDITION_FAILED]: "PRECONDITION_FAILED",
  [COMMAND_INVALID]: "COMMAND_INVALID",
  [CHANNEL_ERROR]: "CHANNEL_ERROR",
  [NOT_ALLOWED]: "NOT_ALLOWED",
  [NOT_IMPLEMENTED]: "NOT_IMPLEMENTED",
  [CONNECTION_FORCED]: "CONNECTION_FORCED",
};

/** An error the broker raises while handling a method; `connection` errors close the connection. */
export class BrokerError extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
    readonly scope: "channel" | "connection" = "channel",
  ) {
    super(`${NAMES[code]} - ${text}`);
  }

  /** The reply text RabbitMQ sends: "NOT_FOUND - no queue 'q' in vhost '/'". */
  get replyText(): string {
    return this.message;
  }
}

export const vhost = "'/'";

export const queueResource = (name: string) => `queue '${name}' in vhost ${vhost}`;
export const exchangeResource = (name: string) => `exchange '${name}' in vhost ${vhost}`;

export const noQueue = (name: string) => new BrokerError(NOT_FOUND, `no queue '${name}' in vhost ${vhost}`);
export const noExchange = (name: string) => new BrokerError(NOT_FOUND, `no exchange '${name}' in vhost ${vhost}`);

export const unknownDeliveryTag = (tag: number) => new BrokerError(PRECONDITION_FAILED, `unknown delivery tag ${tag}`);

export const queueLocked = (name: string) =>
  new BrokerError(
    RESOURCE_LOCKED,
    `cannot obtain exclusive access to locked ${queueResource(name)}. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.`,
  );

/**
 * A RabbitMQ feature this broker does not reproduce. Refused loudly rather than accepted and
 * ignored, so a lesson never shows behaviour RabbitMQ would not have.
 */
export const notReproduced = (feature: string) =>
  new BrokerError(
    NOT_IMPLEMENTED,
    `the in-memory broker does not reproduce ${feature}; run this against RabbitMQ (set AMQP_URL)`,
  );

/** The class and method ids of an AMQP method, as the close frame carries them. */
export function methodIds(methodId: number): { classId: number; methodId: number } {
  const info = defs.info(methodId);
  return { classId: info.classId, methodId: info.methodId };
}
