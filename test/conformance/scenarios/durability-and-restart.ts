// Durability across a broker restart: durable and transient exchanges, queues and bindings,
// persistent and transient messages, unacknowledged messages, and what a connected client sees.
// These scenarios restart the broker (t.restartBroker()), so they run alone.
import type { BrokerConnection, Channel } from "../../../src/amqp";
import type { Scenario, ScenarioContext } from "../harness";

async function bodies(t: ScenarioContext, ch: Channel, q: string, label: string): Promise<void> {
  const out: string[] = [];
  for (;;) {
    const m = await ch.get(q, { noAck: true });
    if (!m) break;
    const count = m.properties.headers?.["x-delivery-count"];
    out.push(
      `${m.content.toString()} redelivered=${m.fields.redelivered} deliveryMode=${String(m.properties.deliveryMode)}` +
        (count === undefined ? "" : ` x-delivery-count=${String(count)}`),
    );
  }
  t.log(`${label} bodies`, out);
}

/** Runs `op` on a fresh traced channel (a 404 closes only that channel). */
async function fresh<T>(t: ScenarioContext, conn: BrokerConnection, label: string, op: (ch: Channel) => Promise<T>) {
  const ch = await t.channel(conn, label);
  return t.attempt(label, () => op(ch));
}

/**
 * Waits until every queue answers a passive declare and the counts read the same twice in a
 * row (a recovering quorum queue may not answer at first); the polling channels are not traced.
 */
async function untilSettled(t: ScenarioContext, conn: BrokerConnection, queues: string[]): Promise<void> {
  let last = "";
  await t.waitFor(
    async () => {
      const ch = await conn.createChannel();
      ch.on("error", () => undefined);
      try {
        const counts: number[] = [];
        for (const q of queues) counts.push((await ch.checkQueue(q)).messageCount);
        await ch.close();
        const now = counts.join(",");
        const same = now === last;
        last = now;
        if (!same) await t.sleep(200);
        return same;
      } catch {
        last = "";
        await t.sleep(200);
        return false;
      }
    },
    30000,
    "queues to settle after the restart",
  );
}

const scenarios: Scenario[] = [
  {
    name: "restart-keeps-durable-topology-and-persistent-messages-only",
    restarts: true,
    timeoutMs: 60000,
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const durableEx = t.exchangeName("durable-ex");
      const transientEx = t.exchangeName("transient-ex");
      const durableQ = t.queueName("durable-q");
      const transientQ = t.queueName("transient-q");
      await ch.assertExchange(durableEx, "direct", { durable: true });
      await ch.assertExchange(transientEx, "direct", { durable: false });
      await ch.assertQueue(durableQ, { durable: true });
      await ch.assertQueue(transientQ, { durable: false });
      await ch.bindQueue(durableQ, durableEx, "k");
      await ch.bindQueue(durableQ, transientEx, "k");
      await ch.bindQueue(transientQ, durableEx, "k");
      ch.sendToQueue(durableQ, Buffer.from("persistent-1"), { deliveryMode: 2 });
      ch.sendToQueue(durableQ, Buffer.from("transient-1"), { deliveryMode: 1 });
      ch.sendToQueue(durableQ, Buffer.from("default-mode"));
      ch.sendToQueue(durableQ, Buffer.from("persistent-2"), { persistent: true, headers: { kept: true } });
      ch.sendToQueue(transientQ, Buffer.from("persistent-in-transient-queue"), { deliveryMode: 2 });
      await ch.waitForConfirms();
      t.log("restarting");
      await t.restartBroker();
      t.log("restarted");
      const conn2 = await t.connect("conn2");
      await untilSettled(t, conn2, [durableQ]);
      await fresh(t, conn2, "checkQueue durable-q", (c) => c.checkQueue(durableQ));
      await fresh(t, conn2, "checkQueue transient-q", (c) => c.checkQueue(transientQ));
      await fresh(t, conn2, "checkExchange durable-ex", (c) => c.checkExchange(durableEx));
      await fresh(t, conn2, "checkExchange transient-ex", (c) => c.checkExchange(transientEx));
      const ch2 = await t.confirmChannel(conn2, "ch2");
      await bodies(t, ch2, durableQ, "durable-q after restart");
      // the binding from the durable exchange survived
      ch2.publish(durableEx, "k", Buffer.from("routed-after-restart"));
      await t.attempt("waitForConfirms", () => ch2.waitForConfirms());
      await bodies(t, ch2, durableQ, "durable-q after publish");
      await t.attempt("checkQueue durable-q at the end", () => ch2.checkQueue(durableQ));
    },
  },
  {
    name: "restart-returns-unacked-persistent-messages-redelivered-classic-and-quorum",
    restarts: true,
    timeoutMs: 60000,
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const classic = t.queueName("classic");
      const quorum = t.queueName("quorum");
      await ch.assertQueue(classic, { durable: true });
      await ch.assertQueue(quorum, { durable: true, arguments: { "x-queue-type": "quorum" } });
      for (const q of [classic, quorum]) {
        ch.sendToQueue(q, Buffer.from("acked"), { deliveryMode: 2 });
        ch.sendToQueue(q, Buffer.from("got-unacked"), { deliveryMode: 2 });
        ch.sendToQueue(q, Buffer.from("consumed-unacked"), { deliveryMode: 2 });
        ch.sendToQueue(q, Buffer.from("waiting"), { deliveryMode: 2 });
        ch.sendToQueue(q, Buffer.from("waiting-transient"), { deliveryMode: 1 });
      }
      await ch.waitForConfirms();
      const consumerChannel = await t.channel(conn, "consumer");
      await consumerChannel.prefetch(1);
      for (const q of [classic, quorum]) {
        await t.waitFor(async () => (await ch.checkQueue(q)).messageCount === 5, 5000, "five messages");
        const acked = await consumerChannel.get(q);
        if (acked) consumerChannel.ack(acked);
        const held = await consumerChannel.get(q);
        t.log(`${q === classic ? "classic" : "quorum"} holding`, held ? held.content.toString() : held);
        const col = t.collector();
        await consumerChannel.consume(q, col.onMessage);
        await col.until(1);
        t.log(`${q === classic ? "classic" : "quorum"} consumer holding`, col.messages.map((m) => m.content.toString()));
      }
      t.log("restarting");
      await t.restartBroker();
      t.log("restarted");
      const conn2 = await t.connect("conn2");
      await untilSettled(t, conn2, [classic, quorum]);
      const ch2 = await t.channel(conn2, "ch2");
      await t.attempt("checkQueue classic", () => ch2.checkQueue(classic));
      await t.attempt("checkQueue quorum", () => ch2.checkQueue(quorum));
      await bodies(t, ch2, classic, "classic after restart");
      await bodies(t, ch2, quorum, "quorum after restart");
    },
  },
  {
    name: "restart-drops-exclusive-and-auto-delete-queues-keeps-arguments-priorities-and-exchange-bindings",
    restarts: true,
    timeoutMs: 60000,
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.confirmChannel(conn, "ch");
      const exclusiveQ = t.queueName("exclusive-durable-q");
      const autoDeleteQ = t.queueName("auto-delete-durable-q");
      const prioQ = t.queueName("priority-q");
      const argsQ = t.queueName("args-q");
      const src = t.exchangeName("src");
      const dest = t.exchangeName("dest");
      const chainQ = t.queueName("chain-q");
      await ch.assertQueue(exclusiveQ, { durable: true, exclusive: true });
      await ch.assertQueue(autoDeleteQ, { durable: true, autoDelete: true });
      await ch.consume(autoDeleteQ, () => undefined, { noAck: true });
      await ch.assertQueue(prioQ, { durable: true, maxPriority: 5 });
      await ch.assertQueue(argsQ, { durable: true, messageTtl: 600000, deadLetterExchange: "", maxLength: 10 });
      await ch.assertExchange(src, "topic", { durable: true });
      await ch.assertExchange(dest, "fanout", { durable: true });
      await ch.assertQueue(chainQ, { durable: true });
      await ch.bindExchange(dest, src, "a.#");
      await ch.bindQueue(chainQ, dest, "");
      for (const [body, priority] of [["low", 1], ["high", 5], ["mid", 3], ["high-2", 5]] as const) {
        ch.sendToQueue(prioQ, Buffer.from(body), { priority, persistent: true });
      }
      ch.sendToQueue(argsQ, Buffer.from("keeps-expiration"), { expiration: "600000", persistent: true });
      await ch.waitForConfirms();
      t.log("restarting");
      await t.restartBroker();
      t.log("restarted");
      const conn2 = await t.connect("conn2");
      await untilSettled(t, conn2, [prioQ, argsQ, chainQ]);
      await fresh(t, conn2, "checkQueue exclusive-durable-q", (c) => c.checkQueue(exclusiveQ));
      await fresh(t, conn2, "checkQueue auto-delete-durable-q", (c) => c.checkQueue(autoDeleteQ));
      await fresh(t, conn2, "redeclare args-q with the same arguments", (c) =>
        c.assertQueue(argsQ, { durable: true, messageTtl: 600000, deadLetterExchange: "", maxLength: 10 }),
      );
      await fresh(t, conn2, "redeclare args-q with another ttl", (c) =>
        c.assertQueue(argsQ, { durable: true, messageTtl: 1000, deadLetterExchange: "", maxLength: 10 }),
      );
      const ch2 = await t.confirmChannel(conn2, "ch2");
      await t.attempt("get args-q", async () => t.summarize(await ch2.get(argsQ, { noAck: true })));
      await bodies(t, ch2, prioQ, "priority-q after restart");
      ch2.publish(src, "a.b", Buffer.from("through-exchange-binding"));
      await t.attempt("waitForConfirms", () => ch2.waitForConfirms());
      await bodies(t, ch2, chainQ, "chain-q");
    },
  },
];

export default scenarios;
