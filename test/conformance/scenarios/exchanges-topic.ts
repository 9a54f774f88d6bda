import type { Channel } from "../../../src/amqp";
import type { Scenario, ScenarioContext } from "../harness";
import { drain } from "../scenario-kit";

/**
 * Binds one queue per pattern to a fresh topic exchange, publishes one message per key (the
 * body is the key in brackets) and traces, per pattern, the keys that reached its queue.
 */
async function routeTable(t: ScenarioContext, ch: Channel, patterns: string[], keys: string[]): Promise<void> {
  const x = t.exchangeName("topic");
  await ch.assertExchange(x, "topic", { durable: false });
  const queues: string[] = [];
  for (const [i, pattern] of patterns.entries()) {
    const q = t.queueName(`q${i}`);
    queues.push(q);
    await ch.assertQueue(q, { durable: false });
    await ch.bindQueue(q, x, pattern);
  }
  for (const key of keys) ch.publish(x, key, Buffer.from(`[${key}]`));
  for (const [i, pattern] of patterns.entries()) t.log(`binding [${pattern}] got`, await drain(ch, queues[i]));
}

const scenarios: Scenario[] = [
  {
    name: "topic-star-matches-exactly-one-word",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await routeTable(t, ch, ["a.*", "*.b", "a.*.c"], ["a", "a.b", "a.b.c", "x.b", "b", "a.x.y.c", "a.x.c", "a.", ".b"]);
    },
  },
  {
    name: "topic-hash-matches-zero-or-more-words",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await routeTable(t, ch, ["a.#", "#.b", "a.#.c", "#.x.#"], ["a", "a.b", "a.b.c", "a.c", "b", "x.y.b", "ab", "x", "a.x.c", "aa.b"]);
    },
  },
  {
    name: "topic-hash-alone-matches-every-key-including-the-empty-key",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await routeTable(t, ch, ["#"], ["", "a", "a.b.c", "..", "*", "#"]);
    },
  },
  {
    name: "topic-a-hash-matches-a-itself-and-hash-b-matches-b-itself",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await routeTable(t, ch, ["a.#", "#.b"], ["a", "b", "a.b", "ab", "b.a"]);
    },
  },
  {
    name: "topic-star-dot-star-matches-two-word-keys-only",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await routeTable(t, ch, ["*.*"], ["a", "a.b", "a.b.c", "", ".", "a.", ".b", "*.*"]);
    },
  },
  {
    name: "topic-empty-routing-key-matches-hash-and-empty-binding-but-not-star",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await routeTable(t, ch, ["", "#", "*", "#.#", "*.#"], ["", "a"]);
    },
  },
  {
    name: "topic-keys-with-empty-words-match-star-as-an-empty-word",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await routeTable(t, ch, ["a.*.b", "a..b", "a.#.b", "*.*.*", "#.", "."], ["a..b", "a.b", "a.x.b", ".", "..", "a.", ".a"]);
    },
  },
  {
    name: "topic-pattern-without-wildcards-matches-the-exact-key-only",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await routeTable(t, ch, ["stock.usd.nyse", "stock"], ["stock.usd.nyse", "stock.usd", "stock", "Stock", "stock.usd.nyse.x"]);
    },
  },
  {
    name: "topic-routing-table-many-keys-through-several-bindings",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const patterns = ["*.orange.*", "*.*.rabbit", "lazy.#", "#.error", "audit.*.#", "#.*", "*.#.*"];
      const keys = [
        "quick.orange.rabbit",
        "lazy.orange.elephant",
        "quick.orange.fox",
        "lazy.brown.fox",
        "lazy.pink.rabbit",
        "quick.brown.fox",
        "orange",
        "quick.orange.male.rabbit",
        "lazy.orange.male.rabbit",
        "lazy",
        "app.db.error",
        "error",
        "audit",
        "audit.login",
        "audit.login.failed",
        "",
      ];
      await routeTable(t, ch, patterns, keys);
    },
  },
  {
    name: "topic-overlapping-bindings-deliver-one-copy-per-queue",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("topic");
      const [q1, q2] = [t.queueName("q1"), t.queueName("q2")];
      await ch.assertExchange(x, "topic", { durable: false });
      await ch.assertQueue(q1, { durable: false });
      await ch.assertQueue(q2, { durable: false });
      for (const p of ["a.b", "a.*", "#", "a.#", "*.b"]) await ch.bindQueue(q1, x, p);
      await ch.bindQueue(q2, x, "#.b");
      ch.publish(x, "a.b", Buffer.from("m1"));
      ch.publish(x, "a.c", Buffer.from("m2"));
      const got = await ch.get(q1, { noAck: true });
      t.log("q1 first", t.summarize(got));
      t.log("q1 rest", await drain(ch, q1));
      t.log("q2", await drain(ch, q2));
      await t.attempt("unbind q1 #", () => ch.unbindQueue(q1, x, "#"));
      ch.publish(x, "z", Buffer.from("m3"));
      ch.publish(x, "a.z", Buffer.from("m4"));
      t.log("q1 after unbinding #", await drain(ch, q1));
    },
  },
];

export default scenarios;
