import type { Channel } from "../../../src/amqp";
import type { Scenario, ScenarioContext } from "../harness";
import { drain } from "../scenario-kit";

interface Binding {
  label: string;
  args: Record<string, unknown>;
}

interface Publication {
  label: string;
  headers?: Record<string, unknown>;
  routingKey?: string;
}

/**
 * One queue per binding on a fresh headers exchange; each publication's body is its label.
 * Traces each bind's outcome and, per binding, the labels that reached its queue.
 */
async function headersTable(t: ScenarioContext, ch: Channel, bindings: Binding[], pubs: Publication[]): Promise<void> {
  const x = t.exchangeName("headers");
  await ch.assertExchange(x, "headers", { durable: false });
  const queues: string[] = [];
  for (const [i, b] of bindings.entries()) {
    const q = t.queueName(`q${i}`);
    queues.push(q);
    await ch.assertQueue(q, { durable: false });
    await ch.bindQueue(q, x, "", b.args);
  }
  for (const p of pubs) ch.publish(x, p.routingKey ?? "", Buffer.from(p.label), p.headers ? { headers: p.headers } : {});
  for (const [i, b] of bindings.entries()) t.log(`binding ${b.label} got`, await drain(ch, queues[i]));
}

const scenarios: Scenario[] = [
  {
    name: "headers-x-match-all-requires-every-bound-header-with-equal-value",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await headersTable(
        t,
        ch,
        [{ label: "all{format:pdf,type:report}", args: { "x-match": "all", format: "pdf", type: "report" } }],
        [
          { label: "both", headers: { format: "pdf", type: "report" } },
          { label: "both-plus-extra", headers: { format: "pdf", type: "report", extra: 1 } },
          { label: "only-format", headers: { format: "pdf" } },
          { label: "wrong-type", headers: { format: "pdf", type: "log" } },
          { label: "no-headers" },
          { label: "empty-headers", headers: {} },
        ],
      );
    },
  },
  {
    name: "headers-x-match-any-requires-one-bound-header-with-equal-value",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await headersTable(
        t,
        ch,
        [{ label: "any{format:pdf,type:report}", args: { "x-match": "any", format: "pdf", type: "report" } }],
        [
          { label: "both", headers: { format: "pdf", type: "report" } },
          { label: "only-format", headers: { format: "pdf" } },
          { label: "only-type", headers: { type: "report" } },
          { label: "format-wrong-value", headers: { format: "zip" } },
          { label: "one-right-one-wrong", headers: { format: "zip", type: "report" } },
          { label: "unrelated", headers: { colour: "red" } },
          { label: "no-headers" },
        ],
      );
    },
  },
  {
    name: "headers-missing-x-match-defaults-to-all",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await headersTable(
        t,
        ch,
        [{ label: "{a:1,b:2}", args: { a: 1, b: 2 } }],
        [
          { label: "a-and-b", headers: { a: 1, b: 2 } },
          { label: "only-a", headers: { a: 1 } },
          { label: "only-b", headers: { b: 2 } },
        ],
      );
    },
  },
  {
    name: "headers-empty-pattern-all-matches-everything-any-matches-nothing",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await headersTable(
        t,
        ch,
        [
          { label: "all{}", args: { "x-match": "all" } },
          { label: "any{}", args: { "x-match": "any" } },
          { label: "no-args", args: {} },
        ],
        [{ label: "no-headers" }, { label: "some-headers", headers: { a: 1 } }],
      );
    },
  },
  {
    name: "headers-routing-key-is-ignored",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const x = t.exchangeName("headers");
      const q = t.queueName("q");
      await ch.assertExchange(x, "headers", { durable: false });
      await ch.assertQueue(q, { durable: false });
      await ch.bindQueue(q, x, "bound-key", { "x-match": "all", k: "v" });
      ch.publish(x, "other-key", Buffer.from("matching-headers"), { headers: { k: "v" } });
      ch.publish(x, "bound-key", Buffer.from("matching-key-only"), { headers: { k: "w" } });
      const got = await ch.get(q, { noAck: true });
      t.log("first", t.summarize(got));
      t.log("rest", await drain(ch, q));
    },
  },
  {
    name: "headers-values-compare-by-type-class-and-value",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await headersTable(
        t,
        ch,
        [
          { label: "{n:1 (byte)}", args: { "x-match": "all", n: 1 } },
          { label: "{s:'1'}", args: { "x-match": "all", s: "1" } },
          { label: "{b:true}", args: { "x-match": "all", b: true } },
          { label: "{d:1.5}", args: { "x-match": "all", d: 1.5 } },
          { label: "{big:100000 (int)}", args: { "x-match": "all", big: 100000 } },
        ],
        [
          { label: "n=1 byte", headers: { n: 1 } },
          { label: "n=1 long", headers: { n: { "!": "long", value: 1 } } },
          { label: "n=1 int", headers: { n: { "!": "int", value: 1 } } },
          { label: "n=1 double", headers: { n: { "!": "double", value: 1 } } },
          { label: "n='1' string", headers: { n: "1" } },
          { label: "n=true", headers: { n: true } },
          { label: "s='1'", headers: { s: "1" } },
          { label: "s=1 number", headers: { s: 1 } },
          { label: "s=buffer '1'", headers: { s: Buffer.from("1") } },
          { label: "b=true", headers: { b: true } },
          { label: "b=1", headers: { b: 1 } },
          { label: "b='true'", headers: { b: "true" } },
          { label: "d=1.5 double", headers: { d: 1.5 } },
          { label: "d=1.5 float", headers: { d: { "!": "float", value: 1.5 } } },
          { label: "d='1.5'", headers: { d: "1.5" } },
          { label: "big=100000 long", headers: { big: { "!": "long", value: 100000 } } },
          { label: "big=100000 double", headers: { big: { "!": "double", value: 100000 } } },
        ],
      );
    },
  },
  {
    name: "headers-void-bound-value-matches-on-presence-only",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await headersTable(
        t,
        ch,
        [
          { label: "all{k:void}", args: { "x-match": "all", k: null } },
          { label: "any{k:void,j:1}", args: { "x-match": "any", k: null, j: 1 } },
        ],
        [
          { label: "k='x'", headers: { k: "x" } },
          { label: "k=5", headers: { k: 5 } },
          { label: "k=void", headers: { k: null } },
          { label: "no-k", headers: { other: 1 } },
          { label: "j=1", headers: { j: 1 } },
        ],
      );
    },
  },
  {
    name: "headers-x-prefixed-binding-arguments-are-ignored-in-matching",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await headersTable(
        t,
        ch,
        [
          { label: "all{x-custom:yes,a:1}", args: { "x-match": "all", "x-custom": "yes", a: 1 } },
          { label: "any{x-custom:yes}", args: { "x-match": "any", "x-custom": "yes" } },
          { label: "all{x-only:yes}", args: { "x-match": "all", "x-only": "yes" } },
        ],
        [
          { label: "a=1", headers: { a: 1 } },
          { label: "a=1,x-custom=yes", headers: { a: 1, "x-custom": "yes" } },
          { label: "x-custom=yes", headers: { "x-custom": "yes" } },
          { label: "x-custom=no", headers: { "x-custom": "no" } },
          { label: "x-match=any", headers: { "x-match": "any" } },
          { label: "none" },
        ],
      );
    },
  },
  {
    name: "headers-x-match-accepts-only-all-any-all-with-x-any-with-x-strings",
    async run(t) {
      const conn = await t.connect("conn");
      const x = t.exchangeName("headers");
      const setup = await t.channel(conn, "setup");
      await setup.assertExchange(x, "headers", { durable: false });
      for (const mode of ["all-with-x", "any-with-x", "ALL", "some", ""]) {
        const ch = await t.channel(conn, `bind ${mode || "<empty>"}`);
        const q = t.queueName(`q-${mode || "empty"}`);
        await ch.assertQueue(q, { durable: false });
        await t.attempt(`bind x-match=${mode || "<empty>"}`, () => ch.bindQueue(q, x, "", { "x-match": mode, "x-k": "v" }));
      }
      const ch2 = await t.channel(conn, "bind number");
      const qn = t.queueName("q-number");
      await ch2.assertQueue(qn, { durable: false });
      await t.attempt("bind x-match=1 (not a string)", () => ch2.bindQueue(qn, x, "", { "x-match": 1 }));
    },
  },
  {
    name: "headers-x-match-all-with-x-and-any-with-x-also-match-x-prefixed-headers",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      await headersTable(
        t,
        ch,
        [
          { label: "all-with-x{x-custom:yes,a:1}", args: { "x-match": "all-with-x", "x-custom": "yes", a: 1 } },
          { label: "any-with-x{x-custom:yes}", args: { "x-match": "any-with-x", "x-custom": "yes" } },
          { label: "any-with-x{x-custom:yes,a:1}", args: { "x-match": "any-with-x", "x-custom": "yes", a: 1 } },
        ],
        [
          { label: "a=1", headers: { a: 1 } },
          { label: "a=1,x-custom=yes", headers: { a: 1, "x-custom": "yes" } },
          { label: "x-custom=yes", headers: { "x-custom": "yes" } },
          { label: "x-custom=no", headers: { "x-custom": "no" } },
          { label: "none" },
        ],
      );
    },
  },
];

export default scenarios;
