import type { Scenario } from "../harness";
import { drain, sendAll, waitForQueueGone } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "exclusive-queue-is-locked-to-other-connections-405-resource-locked",
    async run(t) {
      const owner = await t.connect("owner");
      const ownerCh = await t.channel(owner, "ownerCh");
      const q = t.queueName("q");
      const x = t.exchangeName("x");
      await t.attempt("owner assertQueue exclusive", () => ownerCh.assertQueue(q, { exclusive: true, durable: false }));
      await ownerCh.assertExchange(x, "fanout", { durable: false });
      ownerCh.sendToQueue(q, Buffer.from("owner's"));
      const other = await t.connect("other");
      const ops: [string, (ch: Awaited<ReturnType<typeof other.createChannel>>) => Promise<unknown>][] = [
        ["assertQueue same options", (ch) => ch.assertQueue(q, { exclusive: true, durable: false })],
        ["assertQueue non-exclusive", (ch) => ch.assertQueue(q, { durable: false })],
        ["checkQueue", (ch) => ch.checkQueue(q)],
        ["consume", (ch) => ch.consume(q, () => undefined)],
        ["get", (ch) => ch.get(q)],
        ["purge", (ch) => ch.purgeQueue(q)],
        ["deleteQueue", (ch) => ch.deleteQueue(q)],
        ["bindQueue", (ch) => ch.bindQueue(q, x, "")],
        ["unbindQueue", (ch) => ch.unbindQueue(q, x, "")],
      ];
      for (const [label, op] of ops) {
        const ch = await t.channel(other, label);
        await t.attempt(`other: ${label}`, () => op(ch));
      }
      const otherCh = await t.channel(other, "publisher");
      otherCh.sendToQueue(q, Buffer.from("other's publish"));
      await otherCh.checkExchange(x);
      t.log("owner drains", await drain(ownerCh, q));
    },
  },
  {
    name: "exclusive-queue-is-usable-from-every-channel-of-its-connection",
    async run(t) {
      const conn = await t.connect("conn");
      const ch1 = await t.channel(conn, "ch1");
      const ch2 = await t.channel(conn, "ch2");
      const q = t.queueName("q");
      await ch1.assertQueue(q, { exclusive: true, durable: false });
      await t.attempt("ch2 checkQueue", () => ch2.checkQueue(q));
      await t.attempt("ch2 assertQueue same", () => ch2.assertQueue(q, { exclusive: true, durable: false }));
      ch2.sendToQueue(q, Buffer.from("from-ch2"));
      await ch2.checkQueue(q);
      t.log("ch1 drains", await drain(ch1, q));
      await t.attempt("ch2 deleteQueue", () => ch2.deleteQueue(q));
    },
  },
  {
    name: "exclusive-queue-disappears-when-its-connection-closes",
    async run(t) {
      const conn = await t.connect("conn");
      const owner = await t.connect("owner");
      const ownerCh = await t.channel(owner, "ownerCh");
      const q = t.queueName("q");
      await ownerCh.assertQueue(q, { exclusive: true, durable: false });
      ownerCh.sendToQueue(q, Buffer.from("lost-with-the-queue"));
      await ownerCh.checkQueue(q);
      await t.attempt("close owner connection", () => owner.close());
      await waitForQueueGone(t, conn, q);
      const ch = await t.channel(conn, "ch");
      await t.attempt("checkQueue after owner closed", () => ch.checkQueue(q));
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("another connection may now declare it", () => ch2.assertQueue(q, { exclusive: true, durable: false }));
    },
  },
  {
    name: "exclusive-queue-survives-closing-the-channel-that-declared-it",
    async run(t) {
      const conn = await t.connect("conn");
      const ch1 = await t.channel(conn, "ch1");
      const q = t.queueName("q");
      await ch1.assertQueue(q, { exclusive: true, durable: false });
      ch1.sendToQueue(q, Buffer.from("kept"));
      await ch1.checkQueue(q);
      await t.attempt("close ch1", () => ch1.close());
      const ch2 = await t.channel(conn, "ch2");
      t.log("ch2 drains", await drain(ch2, q));
    },
  },
  {
    name: "auto-delete-queue-lives-until-a-first-consumer-and-dies-when-the-last-one-cancels",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await t.attempt("assertQueue autoDelete", () => ch.assertQueue(q, { autoDelete: true, durable: false }));
      sendAll(ch, q, ["m1"]);
      t.log("drained without consumers", await drain(ch, q));
      await t.attempt("still exists without ever having a consumer", () => ch.checkQueue(q));
      const a = await ch.consume(q, () => undefined, { noAck: true });
      const b = await ch.consume(q, () => undefined, { noAck: true });
      await t.attempt("cancel first consumer", () => ch.cancel(a.consumerTag));
      await t.attempt("still exists with one consumer", () => ch.checkQueue(q));
      await t.attempt("cancel last consumer", () => ch.cancel(b.consumerTag));
      await waitForQueueGone(t, conn, q);
      await t.attempt("checkQueue after last cancel", () => ch.checkQueue(q));
    },
  },
  {
    name: "auto-delete-queue-is-deleted-when-the-channel-of-its-last-consumer-closes",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const consumerCh = await t.channel(conn, "consumerCh");
      const q = t.queueName("q");
      await ch.assertQueue(q, { autoDelete: true, durable: false });
      await consumerCh.consume(q, () => undefined);
      await t.attempt("close consumer channel", () => consumerCh.close());
      await waitForQueueGone(t, conn, q);
      await t.attempt("checkQueue", () => ch.checkQueue(q));
    },
  },
  {
    name: "exclusive-consumer-refuses-other-consumers-403-access-refused",
    async run(t) {
      const conn = await t.connect("conn");
      const ch1 = await t.channel(conn, "ch1");
      const q = t.queueName("q");
      await ch1.assertQueue(q, { durable: false });
      const c = t.collector();
      const { consumerTag } = await ch1.consume(q, c.onMessage, { exclusive: true });
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("second consumer on another channel", () => ch2.consume(q, () => undefined));
      await t.attempt("second consumer on the same channel", () => ch1.consume(q, () => undefined));
      await t.waitFor(() => t.trace.some(([e]) => e === "ch1 close"), 2000, "ch1 closed");
      const ch3 = await t.channel(conn, "ch3");
      await t.attempt("consume after the exclusive consumer's channel closed", async () => {
        const ok = await ch3.consume(q, () => undefined);
        return ok.consumerTag !== consumerTag;
      });
    },
  },
  {
    name: "exclusive-consume-is-403-when-the-queue-already-has-a-consumer",
    async run(t) {
      const conn = await t.connect("conn");
      const ch1 = await t.channel(conn, "ch1");
      const q = t.queueName("q");
      await ch1.assertQueue(q, { durable: false });
      await ch1.consume(q, () => undefined);
      const ch2 = await t.channel(conn, "ch2");
      await t.attempt("exclusive consume", () => ch2.consume(q, () => undefined, { exclusive: true }));
      await t.attempt("ch1 unaffected", () => ch1.checkQueue(q));
    },
  },
];

export default scenarios;
