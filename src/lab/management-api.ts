// Reads a live broker's topology from RabbitMQ's management HTTP API (plugin
// rabbitmq_management, port 15672). AMQP itself cannot list exchanges, queues or bindings.
import type { Topology } from "../topology";

export interface ManagementEndpoint {
  /** Base URL without credentials, e.g. http://127.0.0.1:15672 */
  baseUrl: string;
  username: string;
  password: string;
  vhost: string;
}

/** A sentence for the learner: why the management API could not be read, and what to do. */
export class ManagementUnavailable extends Error {
  override name = "ManagementUnavailable";
}

/**
 * Where the management API of the broker at `amqpUrl` is: same host, port 15672, the AMQP
 * URL's credentials and vhost. RABBITMQ_MANAGEMENT_URL (e.g. https://user:pass@host:443)
 * overrides the address and, if it has them, the credentials.
 */
export function managementEndpoint(amqpUrl: string, override: string | undefined = process.env.RABBITMQ_MANAGEMENT_URL): ManagementEndpoint {
  const amqp = new URL(amqpUrl);
  const path = amqp.pathname;
  const vhost = path === "" || path === "/" ? "/" : decodeURIComponent(path.slice(1));
  const base = override ? new URL(override) : new URL(`http://${amqp.hostname}:15672`);
  const username = decodeURIComponent(base.username || amqp.username || "guest");
  const password = decodeURIComponent(base.password || amqp.password || "guest");
  base.username = "";
  base.password = "";
  return { baseUrl: base.toString().replace(/\/$/, ""), username, password, vhost };
}

async function getJson<T>(endpoint: ManagementEndpoint, path: string, timeoutMs: number): Promise<T> {
  const url = `${endpoint.baseUrl}/api/${path}`;
  const auth = Buffer.from(`${endpoint.username}:${endpoint.password}`).toString("base64");
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Basic ${auth}` }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new ManagementUnavailable(
      `RabbitMQ's management API did not answer at ${endpoint.baseUrl} (${cause}). ` +
        "Enable it on the broker with `rabbitmq-plugins enable rabbitmq_management`, " +
        "or set RABBITMQ_MANAGEMENT_URL if it listens elsewhere.",
    );
  }
  if (response.status === 401) {
    throw new ManagementUnavailable(
      `RabbitMQ's management API at ${endpoint.baseUrl} refused user "${endpoint.username}" (401). ` +
        `Give the user the management tag (rabbitmqctl set_user_tags ${endpoint.username} management), ` +
        "or set RABBITMQ_MANAGEMENT_URL with other credentials. (The guest user may log in from localhost only.)",
    );
  }
  if (!response.ok) {
    throw new ManagementUnavailable(`RabbitMQ's management API at ${endpoint.baseUrl} answered ${response.status} ${response.statusText} for /api/${path}.`);
  }
  return (await response.json()) as T;
}

interface ApiExchange {
  name: string;
  type: string;
  durable: boolean;
  auto_delete: boolean;
  internal: boolean;
  arguments?: Record<string, unknown>;
}

interface ApiQueue {
  name: string;
  durable: boolean;
  exclusive: boolean;
  auto_delete: boolean;
  arguments?: Record<string, unknown>;
  messages_ready?: number;
  messages_unacknowledged?: number;
  consumers?: number;
}

interface ApiBinding {
  source: string;
  destination: string;
  destination_type: "queue" | "exchange";
  routing_key: string;
  arguments?: Record<string, unknown>;
}

export interface ManagementSnapshot {
  topology: Topology;
  /** RabbitMQ's version, as the broker reports it. */
  version: string;
}

/** Maps the management API's JSON to our Topology shape. */
export function toTopology(exchanges: ApiExchange[], queues: ApiQueue[], bindings: ApiBinding[]): Topology {
  return {
    exchanges: exchanges.map((e) => ({
      name: e.name,
      type: e.type,
      durable: e.durable,
      autoDelete: e.auto_delete,
      internal: e.internal,
      arguments: e.arguments ?? {},
    })),
    queues: queues.map((q) => ({
      name: q.name,
      durable: q.durable,
      exclusive: q.exclusive,
      autoDelete: q.auto_delete,
      arguments: q.arguments ?? {},
      ready: q.messages_ready ?? 0,
      unacked: q.messages_unacknowledged ?? 0,
      consumers: q.consumers ?? 0,
    })),
    bindings: bindings.map((b) => ({
      source: b.source,
      destination: b.destination,
      destinationType: b.destination_type,
      routingKey: b.routing_key,
      arguments: b.arguments ?? {},
    })),
  };
}

/** Reads exchanges, queues and bindings of the endpoint's vhost. */
export async function readManagementTopology(endpoint: ManagementEndpoint, timeoutMs = 3000): Promise<ManagementSnapshot> {
  const vhost = encodeURIComponent(endpoint.vhost);
  const [overview, exchanges, queues, bindings] = await Promise.all([
    getJson<{ rabbitmq_version?: string }>(endpoint, "overview", timeoutMs),
    getJson<ApiExchange[]>(endpoint, `exchanges/${vhost}`, timeoutMs),
    getJson<ApiQueue[]>(endpoint, `queues/${vhost}`, timeoutMs),
    getJson<ApiBinding[]>(endpoint, `bindings/${vhost}`, timeoutMs),
  ]);
  return { topology: toTopology(exchanges, queues, bindings), version: overview.rabbitmq_version ?? "unknown version" };
}
