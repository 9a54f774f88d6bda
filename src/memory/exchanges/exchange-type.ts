// What every exchange type implements, as in RabbitMQ's rabbit_exchange_type behaviour:
// keep its bindings and answer `route` with the bindings a message matches.
import type { Fields } from "../../amqplib-internals";

export interface Binding {
  readonly source: string;
  readonly destination: string;
  readonly destinationType: "queue" | "exchange";
  readonly routingKey: string;
  readonly arguments: Fields;
  /** Identity of the binding: same source, destination, key and arguments is the same binding. */
  readonly key: string;
}

/** What routing may read of a message; headers are decoded only when an exchange needs them. */
export interface RoutingInput {
  readonly routingKey: string;
  headers(): Fields;
}

export interface ExchangeRouter {
  /** Throws a BrokerError when the binding's arguments are invalid for this type. */
  validate?(binding: Binding): void;
  add(binding: Binding): void;
  remove(binding: Binding): void;
  route(input: RoutingInput, out: Binding[]): void;
}
