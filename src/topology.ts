// A broker's topology as a picture needs it: read from the in-memory broker itself, or from
// RabbitMQ's management HTTP API.

export interface TopologyExchange {
  name: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: Record<string, unknown>;
}

export interface TopologyQueue {
  name: string;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: Record<string, unknown>;
  /** Messages waiting to be delivered. */
  ready: number;
  /** Messages delivered and not yet acknowledged. */
  unacked: number;
  consumers: number;
}

export interface TopologyBinding {
  source: string;
  destination: string;
  destinationType: "queue" | "exchange";
  routingKey: string;
  arguments: Record<string, unknown>;
}

export interface Topology {
  exchanges: TopologyExchange[];
  queues: TopologyQueue[];
  bindings: TopologyBinding[];
}
