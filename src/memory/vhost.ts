// The virtual host: exchanges, queues and the bindings between them, and the routing of a
// message from an exchange to the set of queues it reaches.
import { randomBytes } from "node:crypto";
import type { Fields } from "../amqplib-internals";
import { amqpEquals, amqpTypeOf, amqpValueText } from "./amqp-types";
import {
  ACCESS_REFUSED,
  BrokerError,
  COMMAND_INVALID,
  exchangeResource,
  noExchange,
  noQueue,
  PRECONDITION_FAILED,
  queueLocked,
  queueResource,
} from "./errors";
import { createRouter, isExchangeType, type Binding, type ExchangeRouter, type RoutingInput } from "./exchanges";
import { EQUIVALENCE_KEYS, parseQueueArguments } from "./features/queue-arguments";
import { QueueExpiry } from "./features/queue-expiry";
import { properties, type Message } from "./message";
import { Queue } from "./queue";
import type { Topology } from "../topology";

export interface Exchange {
  readonly name: string;
  readonly type: string;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly internal: boolean;
  readonly arguments: Fields;
  readonly router: ExchangeRouter;
  /** Bindings with this exchange as their source. */
  readonly bindings: Map<string, Binding>;
}

export interface ExchangeDeclaration {
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: Fields;
}

export interface QueueDeclaration {
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: Fields;
}

/** Who asks: the connection that owns exclusive queues. */
export type Owner = object;

const DEFAULT_EXCHANGES: [string, string][] = [
  ["amq.direct", "direct"],
  ["amq.fanout", "fanout"],
  ["amq.topic", "topic"],
  ["amq.headers", "headers"],
  ["amq.match", "headers"],
];

export class VirtualHost {
  readonly exchanges = new Map<string, Exchange>();
  readonly queues = new Map<string, Queue>();
  /** Bindings by destination, so deleting a queue or exchange finds its bindings at once. */
  private readonly bindingsTo = new Map<string, Set<Binding>>();
  private readonly queueExpiry = new QueueExpiry(this);

  constructor(readonly step: (work: () => void) => void) {
    for (const [name, type] of DEFAULT_EXCHANGES) {
      this.addExchange(name, { type, durable: true, autoDelete: false, internal: false, arguments: {} });
    }
  }

  // --- exchanges ---

  declareExchange(name: string, decl: ExchangeDeclaration, passive: boolean): void {
    if (name === "") throw new BrokerError(ACCESS_REFUSED, "operation not permitted on the default exchange");
    const existing = this.exchanges.get(name);
    if (passive) {
      if (!existing) throw noExchange(name);
      return;
    }
    if (!isExchangeType(decl.type)) {
      throw new BrokerError(COMMAND_INVALID, `unknown exchange type '${decl.type}'`, "connection");
    }
    if (existing) {
      assertExchangeEquivalent(existing, decl);
      return;
    }
    if (name.startsWith("amq.")) {
      throw new BrokerError(ACCESS_REFUSED, `exchange name '${name}' contains reserved prefix 'amq.*'`);
    }
    this.addExchange(name, decl);
  }

  deleteExchange(name: string, ifUnused: boolean): void {
    if (name === "") throw new BrokerError(ACCESS_REFUSED, "operation not permitted on the default exchange");
    if (name.startsWith("amq.")) throw new BrokerError(ACCESS_REFUSED, `deletion of system exchange '${name}' not allowed`);
    const exchange = this.exchanges.get(name);
    if (!exchange) return;
    if (ifUnused && exchange.bindings.size) throw new BrokerError(PRECONDITION_FAILED, `${exchangeResource(name)} in use`);
    this.removeExchange(exchange);
  }

  private addExchange(name: string, decl: ExchangeDeclaration): void {
    this.exchanges.set(name, { name, ...decl, router: createRouter(decl.type), bindings: new Map() });
  }

  private removeExchange(exchange: Exchange): void {
    this.exchanges.delete(exchange.name);
    for (const b of [...exchange.bindings.values()]) this.removeBinding(b);
    for (const b of [...(this.bindingsTo.get(`exchange\0${exchange.name}`) ?? [])]) this.removeBinding(b);
  }

  // --- queues ---

  declareQueue(name: string, decl: QueueDeclaration, passive: boolean, owner: Owner, serverNamed = false): Queue {
    const existing = this.queues.get(name);
    if (passive) {
      if (!existing) throw noQueue(name);
      this.assertAccessible(existing, owner);
      this.queueUsed(existing);
      return existing;
    }
    if (existing) {
      this.assertAccessible(existing, owner);
      assertQueueEquivalent(existing, decl);
      this.queueUsed(existing);
      return existing;
    }
    if (name.startsWith("amq.") && !serverNamed) {
      throw new BrokerError(ACCESS_REFUSED, `queue name '${name}' contains reserved prefix 'amq.*'`);
    }
    const features = parseQueueArguments(name, decl.arguments, decl);
    const queue = new Queue(this, name, {
      durable: decl.durable,
      exclusiveOwner: decl.exclusive ? owner : null,
      autoDelete: decl.autoDelete,
      arguments: decl.arguments,
    }, features);
    this.queues.set(name, queue);
    this.queueUsed(queue);
    return queue;
  }

  /** RabbitMQ's server-generated queue names: "amq.gen-" and 22 URL-safe base64 characters. */
  generateQueueName(): string {
    return `amq.gen-${randomBytes(16).toString("base64url").slice(0, 22)}`;
  }

  /** The queue a client may use: 404 when missing, 405 when another connection holds it exclusively. */
  queue(name: string, owner: Owner): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw noQueue(name);
    this.assertAccessible(queue, owner);
    return queue;
  }

  assertAccessible(queue: Queue, owner: Owner): void {
    if (queue.options.exclusiveOwner && queue.options.exclusiveOwner !== owner) throw queueLocked(queue.name);
  }

  deleteQueue(queue: Queue): void {
    if (queue.deleted) return;
    this.queues.delete(queue.name);
    this.queueExpiry.forget(queue);
    for (const b of [...(this.bindingsTo.get(`queue\0${queue.name}`) ?? [])]) this.removeBinding(b);
    queue.destroy();
  }

  /** Resets the x-expires clock of a queue (declared, consumed from, fetched from...). */
  queueUsed(queue: Queue): void {
    this.queueExpiry.touch(queue);
  }

  // --- bindings ---

  bind(destinationType: "queue" | "exchange", destination: string, source: string, routingKey: string, args: Fields, owner: Owner): void {
    refuseDefaultExchange(destinationType, destination, source);
    const exchange = this.exchanges.get(source);
    if (!exchange) throw noExchange(source);
    if (destinationType === "queue") this.queue(destination, owner);
    else if (!this.exchanges.has(destination)) throw noExchange(destination);
    const binding = makeBinding(destinationType, destination, source, routingKey, args);
    if (exchange.bindings.has(binding.key)) return;
    exchange.router.validate?.(binding);
    exchange.bindings.set(binding.key, binding);
    exchange.router.add(binding);
    const to = `${destinationType}\0${destination}`;
    let set = this.bindingsTo.get(to);
    if (!set) this.bindingsTo.set(to, (set = new Set()));
    set.add(binding);
  }

  /** RabbitMQ accepts unbinding what does not exist (and checks no exclusivity). */
  unbind(destinationType: "queue" | "exchange", destination: string, source: string, routingKey: string, args: Fields): void {
    refuseDefaultExchange(destinationType, destination, source);
    const key = makeBinding(destinationType, destination, source, routingKey, args).key;
    const existing = this.exchanges.get(source)?.bindings.get(key);
    if (existing) this.removeBinding(existing);
  }

  private removeBinding(binding: Binding): void {
    const exchange = this.exchanges.get(binding.source);
    if (exchange) {
      exchange.bindings.delete(binding.key);
      exchange.router.remove(binding);
    }
    this.bindingsTo.get(`${binding.destinationType}\0${binding.destination}`)?.delete(binding);
    if (exchange?.autoDelete && exchange.bindings.size === 0) this.removeExchange(exchange);
  }

  // --- routing ---

  /**
   * The queues a message published to `exchange` reaches, following exchange-to-exchange
   * bindings once each and, where an exchange matched nothing, its alternate exchange.
   */
  route(exchange: Exchange, msg: Message, routingKeys: readonly string[]): Queue[] {
    if (exchange.name === "" && routingKeys.length === 1) {
      // The default exchange with one key, by far the most common publish: one lookup.
      const queue = this.queues.get(routingKeys[0]);
      return queue ? [queue] : [];
    }
    const queues = new Set<Queue>();
    let headers: Fields | undefined;
    const readHeaders = () => (headers ??= (properties(msg).headers as Fields) ?? {});
    const seen = new Set<string>([exchange.name]);
    const work: Exchange[] = [exchange];
    const matched: Binding[] = [];
    while (work.length) {
      const x = work.pop() as Exchange;
      matched.length = 0;
      if (x.name === "") {
        for (const key of routingKeys) {
          const q = this.queues.get(key);
          if (q) queues.add(q);
        }
        continue;
      }
      for (const routingKey of routingKeys) {
        const input: RoutingInput = { routingKey, headers: readHeaders };
        x.router.route(input, matched);
      }
      if (!matched.length) {
        const alternate = x.arguments["alternate-exchange"];
        const ae = typeof alternate === "string" ? this.exchanges.get(alternate) : undefined;
        if (ae && !seen.has(ae.name)) {
          seen.add(ae.name);
          work.push(ae);
        }
        continue;
      }
      for (const b of matched) {
        if (b.destinationType === "queue") {
          const q = this.queues.get(b.destination);
          if (q) queues.add(q);
        } else if (!seen.has(b.destination)) {
          const next = this.exchanges.get(b.destination);
          if (next) {
            seen.add(next.name);
            work.push(next);
          }
        }
      }
    }
    return [...queues];
  }

  /** Dead-lettered messages go through the same routing; a missing exchange drops them. */
  routeDeadLetter(exchangeName: string, msg: Message): Queue[] {
    const exchange = exchangeName === "" ? DEFAULT_EXCHANGE : this.exchanges.get(exchangeName);
    if (!exchange) return [];
    return this.route(exchange, msg, msg.extraRoutingKeys ? [msg.routingKey, ...msg.extraRoutingKeys] : [msg.routingKey]);
  }

  /** What survives a broker restart: durable exchanges, durable queues and their persistent messages. */
  restart(): void {
    for (const queue of [...this.queues.values()]) {
      if (queue.durable) queue.recoverAfterRestart();
      else this.deleteQueue(queue);
    }
    for (const exchange of [...this.exchanges.values()]) if (!exchange.durable) this.removeExchange(exchange);
  }

  topology(): Topology {
    const plain = (args: Fields) => ({ ...args });
    return {
      exchanges: [...this.exchanges.values()].map((x) => ({
        name: x.name,
        type: x.type,
        durable: x.durable,
        autoDelete: x.autoDelete,
        internal: x.internal,
        arguments: plain(x.arguments),
      })),
      queues: [...this.queues.values()].map((q) => ({
        name: q.name,
        durable: q.durable,
        exclusive: q.options.exclusiveOwner !== null,
        autoDelete: q.options.autoDelete,
        arguments: plain(q.options.arguments),
        ready: q.messageCount,
        unacked: q.unacked,
        consumers: q.consumerCount,
      })),
      bindings: [...this.exchanges.values()].flatMap((x) =>
        [...x.bindings.values()].map((b) => ({
          source: b.source,
          destination: b.destination,
          destinationType: b.destinationType,
          routingKey: b.routingKey,
          arguments: plain(b.arguments),
        })),
      ),
    };
  }

}

/** The default exchange: routes to the queue named by the routing key; it has no bindings. */
export const DEFAULT_EXCHANGE: Exchange = {
  name: "",
  type: "direct",
  durable: true,
  autoDelete: false,
  internal: false,
  arguments: {},
  router: createRouter("direct"),
  bindings: new Map(),
};

function refuseDefaultExchange(destinationType: "queue" | "exchange", destination: string, source: string): void {
  if (source === "" || (destinationType === "exchange" && destination === "")) {
    throw new BrokerError(ACCESS_REFUSED, "operation not permitted on the default exchange");
  }
}

function makeBinding(destinationType: "queue" | "exchange", destination: string, source: string, routingKey: string, args: Fields): Binding {
  const key = `${destinationType}\0${destination}\0${routingKey}\0${JSON.stringify(sortKeys(args))}`;
  return { source, destination, destinationType, routingKey, arguments: args, key };
}

function sortKeys(args: Fields): Fields {
  return Object.fromEntries(Object.entries(args).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function assertExchangeEquivalent(existing: Exchange, decl: ExchangeDeclaration): void {
  const name = existing.name;
  const fail = (arg: string, received: unknown, current: unknown) =>
    new BrokerError(PRECONDITION_FAILED, `inequivalent arg '${arg}' for ${exchangeResource(name)}: received '${received}' but current is '${current}'`);
  if (existing.type !== decl.type) throw fail("type", decl.type, existing.type);
  if (existing.durable !== decl.durable) throw fail("durable", decl.durable, existing.durable);
  if (existing.autoDelete !== decl.autoDelete) throw fail("auto_delete", decl.autoDelete, existing.autoDelete);
  if (existing.internal !== decl.internal) throw fail("internal", decl.internal, existing.internal);
  assertArgsEquivalent(existing.arguments, decl.arguments, ["alternate-exchange"], exchangeResource(name));
}

function assertQueueEquivalent(existing: Queue, decl: QueueDeclaration): void {
  const resource = queueResource(existing.name);
  const fail = (arg: string, received: unknown, current: unknown) =>
    new BrokerError(PRECONDITION_FAILED, `inequivalent arg '${arg}' for ${resource}: received '${received}' but current is '${current}'`);
  if (existing.options.durable !== decl.durable) throw fail("durable", decl.durable, existing.options.durable);
  if (existing.options.autoDelete !== decl.autoDelete) throw fail("auto_delete", decl.autoDelete, existing.options.autoDelete);
  if (Boolean(existing.options.exclusiveOwner) !== decl.exclusive) throw queueLocked(existing.name);
  assertArgsEquivalent(existing.options.arguments, decl.arguments, EQUIVALENCE_KEYS, resource);
}

function assertArgsEquivalent(current: Fields, received: Fields, keys: string[], resource: string): void {
  for (const key of keys) {
    const a = current[key];
    const b = received[key];
    if (a === undefined && b === undefined) continue;
    if (a !== undefined && b !== undefined) {
      if (amqpEquals(a, b)) continue;
      // Both present: RabbitMQ prints the bare values.
      throw inequivalent(key, resource, `'${amqpValueText(b)}'`, `'${amqpValueText(a)}'`);
    }
    const describe = (v: unknown) => (v === undefined ? "none" : `the value '${amqpValueText(v)}' of type '${amqpTypeOf(v)}'`);
    throw inequivalent(key, resource, describe(b), describe(a));
  }
}

function inequivalent(key: string, resource: string, received: string, current: string): BrokerError {
  return new BrokerError(PRECONDITION_FAILED, `inequivalent arg '${key}' for ${resource}: received ${received} but current is ${current}`);
}
