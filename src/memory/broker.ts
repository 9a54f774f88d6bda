// The in-memory broker: one virtual host, the connections to it, and the loop that moves frames.
// Client frames are handled in arrival order one event-loop turn after they are sent, and the
// broker's frames reach the client at the end of that step, as they would over a socket.
import type { BrokerConnection } from "../amqp";
import { ChannelModel, type Fields } from "../amqplib-internals";
import type { Topology } from "../topology";
import type { Publish } from "./channel";
import { ClientTransport, ServerConnection } from "./connection";
import { BrokerError, CONNECTION_FORCED } from "./errors";
import { VirtualHost } from "./vhost";

interface InboundFrame {
  connection: ServerConnection;
  channel: number;
  method: number;
  fields: Fields;
  publish: Publish | undefined;
}

export class MemoryBroker {
  readonly vhost: VirtualHost;
  private readonly connections = new Set<ServerConnection>();
  private inbound: InboundFrame[] = [];
  private readonly withOutbound = new Set<ServerConnection>();
  private scheduled = false;
  /** While a connection is open the process stays alive, as an open socket would keep it. */
  private keepAlive: NodeJS.Timeout | undefined;

  constructor() {
    this.vhost = new VirtualHost((work) => this.step(work));
  }

  /** Opens a connection: amqplib's ChannelModel over the in-memory transport. */
  async connect(): Promise<BrokerConnection> {
    const server = new ServerConnection(this);
    this.connections.add(server);
    this.keepAlive ??= setInterval(() => undefined, 1 << 30);
    await new Promise((resolve) => setImmediate(resolve));
    // The compiler checks here, as in real mode, that amqplib's ChannelModel is a BrokerConnection.
    const connection: BrokerConnection = new ChannelModel(server.transport);
    return connection;
  }

  enqueueFrame(connection: ServerConnection, channel: number, method: number, fields: Fields, publish?: Publish): void {
    this.inbound.push({ connection, channel, method, fields, publish });
    this.schedule();
  }

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.step(() => this.processInbound());
    });
  }

  /** Runs broker work, then hands every frame it produced to the clients. */
  step(work: () => void): void {
    work();
    while (this.withOutbound.size) {
      const connections = [...this.withOutbound];
      this.withOutbound.clear();
      for (const c of connections) c.flush();
    }
  }

  markOutbound(connection: ServerConnection): void {
    this.withOutbound.add(connection);
  }

  private processInbound(): void {
    const frames = this.inbound;
    this.inbound = [];
    for (const f of frames) f.connection.handle(f.channel, f.method, f.fields, f.publish);
  }

  /** Called when a connection is gone: its exclusive queues are deleted with it. */
  connectionClosed(connection: ServerConnection): void {
    this.connections.delete(connection);
    for (const queue of [...this.vhost.queues.values()]) {
      if (queue.options.exclusiveOwner === connection) this.vhost.deleteQueue(queue);
    }
    if (this.connections.size === 0) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }

  /**
   * Simulates `rabbitmqctl stop_app && start_app`: every connection is closed with 320
   * CONNECTION_FORCED; what is not durable is gone; durable queues keep their persistent
   * messages, unacknowledged ones back in the queue and marked redelivered.
   */
  restart(): void {
    this.step(() => {
      const shutdown = new BrokerError(CONNECTION_FORCED, "broker forced connection closure with reason 'shutdown'", "connection");
      for (const connection of [...this.connections]) connection.closeWithError(shutdown);
      this.vhost.restart();
    });
  }

  /** Exchanges, queues and bindings, for pictures of the topology. */
  topology(): Topology {
    return this.vhost.topology();
  }
}

/** The in-memory broker behind a connection, or undefined for a connection to RabbitMQ. */
export function memoryBrokerOf(connection: BrokerConnection): MemoryBroker | undefined {
  const transport: unknown = connection.connection;
  return transport instanceof ClientTransport ? transport.broker : undefined;
}

let shared: MemoryBroker | undefined;

/** The process's in-memory broker, which `connect()` uses when no URL is given. */
export function defaultBroker(): MemoryBroker {
  return (shared ??= new MemoryBroker());
}
