// Broker benchmark: the same amqplib code through the in-memory broker and through RabbitMQ.
//   npm run bench:broker                       1,000,000 messages, both brokers (AMQP_URL or local)
//   npm run bench:broker -- --messages 200000 --memory-only
// Prints figures; it asserts nothing (timed tests would be flaky, and numbers belong in print).
// It runs compiled (dist/bench/broker.js), as lessons run the library, not through a TS loader.
import { once } from "node:events";
import { cpus, totalmem } from "node:os";
import type { BrokerConnection, Channel } from "../amqp";
import { connect } from "../connect";
import { MemoryBroker } from "../memory/broker";
import { redactUrl } from "../mode";

interface Args {
  messages: number;
  small: number;
  size: number;
  prefetch: number;
  memoryOnly: boolean;
  url: string;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  return {
    messages: value("messages", 1_000_000),
    small: value("small", 10_000),
    size: value("size", 100),
    prefetch: value("prefetch", 200),
    memoryOnly: argv.includes("--memory-only"),
    url: process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672",
  };
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
sampler.unref();

async function publish(ch: Channel, queue: string, count: number, body: Buffer): Promise<void> {
  for (let i = 0; i < count; i++) {
    // Respect back-pressure as a well-behaved publisher must: wait for 'drain'.
    if (!ch.sendToQueue(queue, body)) await once(ch, "drain");
  }
}

/** Consumes `count` messages with the given prefetch, acking each; resolves with elapsed ms. */
async function consume(ch: Channel, queue: string, count: number, prefetch: number): Promise<number> {
  await ch.prefetch(prefetch);
  const started = performance.now();
  let received = 0;
  let tag = "";
  await new Promise<void>((resolve) => {
    void ch
      .consume(queue, (msg) => {
        if (!msg) return;
        ch.ack(msg);
        if (++received === count) resolve();
      })
      .then((ok) => (tag = ok.consumerTag));
  });
  const elapsed = performance.now() - started;
  await ch.cancel(tag);
  return elapsed;
}

async function withQueue<T>(conn: BrokerConnection, work: (ch: Channel, queue: string) => Promise<T>): Promise<T> {
  const ch = await conn.createChannel();
  const { queue } = await ch.assertQueue("", { exclusive: true, durable: false });
  try {
    return await work(ch, queue);
  } finally {
    await ch.deleteQueue(queue);
    await ch.close();
  }
}

/** Publisher and consumer at once: end-to-end msg/s through publish → consume → ack. */
async function pipeline(conn: BrokerConnection, args: Args): Promise<number> {
  const body = Buffer.alloc(args.size, 120);
  return withQueue(conn, async (ch, queue) => {
    const pub = await conn.createChannel();
    const started = performance.now();
    const consumed = consume(ch, queue, args.messages, args.prefetch);
    await publish(pub, queue, args.messages, body);
    await consumed;
    await pub.close();
    return args.messages / ((performance.now() - started) / 1000);
  });
}

/** Fills a queue with `count` messages first, then consumes them: µs per message for each phase. */
async function prefilled(conn: BrokerConnection, args: Args, count: number): Promise<{ publishUs: number; consumeUs: number; rssPerMessage: number }> {
  const body = Buffer.alloc(args.size, 120);
  return withQueue(conn, async (ch, queue) => {
    const confirm = await conn.createConfirmChannel();
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    await publish(confirm, queue, count, body);
    await confirm.waitForConfirms();
    const publishMs = performance.now() - started;
    global.gc?.();
    const rssQueued = process.memoryUsage().rss;
    await confirm.close();
    const consumeMs = await consume(ch, queue, count, args.prefetch);
    return { publishUs: (publishMs * 1000) / count, consumeUs: (consumeMs * 1000) / count, rssPerMessage: (rssQueued - rssBefore) / count };
  });
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function run(label: string, open: () => Promise<BrokerConnection>, args: Args, measureRss: boolean) {
  const conn = await open();
  process.stdout.write(`\n${label}\n`);
  const rate = await pipeline(conn, args);
  console.log(`  pipeline, ${fmt(args.messages)} × ${args.size} B, prefetch ${args.prefetch}: ${fmt(rate)} msg/s`);
  const small = await prefilled(conn, args, args.small);
  const large = await prefilled(conn, args, args.messages);
  console.log(`  per message with ${fmt(args.small)} queued first: publish ${fmt(small.publishUs, 2)} µs, consume+ack ${fmt(small.consumeUs, 2)} µs`);
  console.log(`  per message with ${fmt(args.messages)} queued first: publish ${fmt(large.publishUs, 2)} µs, consume+ack ${fmt(large.consumeUs, 2)} µs`);
  const ratio = (large.publishUs + large.consumeUs) / (small.publishUs + small.consumeUs);
  console.log(`  ${fmt(args.messages)} queued vs ${fmt(args.small)}: ${fmt(ratio, 2)}× the time per message (target ≤ 1.5×)`);
  if (measureRss) {
    console.log(`  memory held per queued message (RSS growth / messages): ${fmt(large.rssPerMessage)} B (target < 1,024 B)`);
  }
  await conn.close();
  return { rate, ratio, rssPerMessage: large.rssPerMessage };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${fmt(totalmem() / 2 ** 30)} GiB RAM`);
  if (!global.gc) console.log("(run with node --expose-gc for steadier memory figures)");
  const memory = await run("in-memory broker", () => connect(undefined, { broker: new MemoryBroker() }), args, true);
  console.log(`  peak RSS of this process so far: ${fmt(peakRss / 2 ** 20)} MiB`);
  if (args.memoryOnly) return;
  const live = await run(`RabbitMQ at ${redactUrl(args.url)}`, () => connect(args.url), args, false);
  console.log(`\nin-memory / RabbitMQ pipeline rate: ${fmt(memory.rate / live.rate, 1)}× (target ≥ 20×)`);
  console.log(`peak RSS of this process: ${fmt(peakRss / 2 ** 20)} MiB`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
