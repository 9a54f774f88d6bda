import { createServer } from "node:net";
import { expect, test, vi } from "vitest";
import { ManagementUnavailable, managementEndpoint, readManagementTopology, toTopology } from "../../src/lab/management-api";

test("the endpoint comes from the AMQP URL: same host, port 15672, its credentials and vhost", () => {
  expect(managementEndpoint("amqp://alice:s%40cret@broker.local:5672/orders", undefined)).toEqual({
    baseUrl: "http://broker.local:15672", username: "alice", password: "s@cret", vhost: "orders",
  });
  expect(managementEndpoint("amqp://127.0.0.1", undefined)).toMatchObject({ username: "guest", password: "guest", vhost: "/" });
  expect(managementEndpoint("amqp://a:b@h", "https://mgmt.example:443")).toMatchObject({ baseUrl: "https://mgmt.example", username: "a", password: "b" });
});

test("the API's JSON maps to the Topology shape", () => {
  const topology = toTopology(
    [{ name: "x", type: "direct", durable: true, auto_delete: false, internal: false, arguments: {} }],
    [{ name: "q", durable: false, exclusive: true, auto_delete: true, arguments: { "x-message-ttl": 1 }, messages_ready: 2, messages_unacknowledged: 1, consumers: 1 }],
    [{ source: "x", destination: "q", destination_type: "queue", routing_key: "k", arguments: {} }],
  );
  expect(topology.queues[0]).toEqual({ name: "q", durable: false, exclusive: true, autoDelete: true, arguments: { "x-message-ttl": 1 }, ready: 2, unacked: 1, consumers: 1 });
  expect(topology.bindings[0]).toEqual({ source: "x", destination: "q", destinationType: "queue", routingKey: "k", arguments: {} });
});

test("an unreachable API gives a sentence that says what to do, without the password", async () => {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const endpoint = managementEndpoint("amqp://guest:topsecret@127.0.0.1:5672", `http://127.0.0.1:${port}`);
  const error = await readManagementTopology(endpoint, 1000).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ManagementUnavailable);
  expect((error as Error).message).toContain("rabbitmq-plugins enable rabbitmq_management");
  expect((error as Error).message).not.toContain("topsecret");
});

// Registered only against a live broker (there is no management API to read in memory mode).
if (process.env.AMQP_URL) test("the live broker's management API lists the default exchange", async () => {
  const snapshot = await readManagementTopology(managementEndpoint(process.env.AMQP_URL!));
  expect(snapshot.version).toMatch(/^\d+\.\d+/);
  expect(snapshot.topology.exchanges.map((e) => e.name)).toContain("amq.direct");
});

test("show() on a broker whose management API is unreachable says so in a sentence, password redacted", async () => {
  const { show } = await import("../../src/lab/show");
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const previous = process.env.RABBITMQ_MANAGEMENT_URL;
  process.env.RABBITMQ_MANAGEMENT_URL = "http://127.0.0.1:9";
  try {
    await show("amqp://learner:hunter2@127.0.0.1:5672");
  } finally {
    if (previous === undefined) delete process.env.RABBITMQ_MANAGEMENT_URL;
    else process.env.RABBITMQ_MANAGEMENT_URL = previous;
  }
  const printed = String(log.mock.calls[0]?.[0]);
  log.mockRestore();
  expect(printed).toMatch(/^Cannot draw the topology of RabbitMQ at amqp:\/\/learner:\*\*\*\*@127\.0\.0\.1:5672/);
  expect(printed).toContain("rabbitmq-plugins enable rabbitmq_management");
  expect(printed).not.toContain("hunter2");
});
