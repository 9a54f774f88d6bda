// The publisher's side of back-pressure: publish() returns false once amqplib's channel buffer
// is full, and 'drain' says when to go on.
import { once } from "node:events";
import type { Scenario } from "../harness";
import { waitForReady } from "../scenario-kit";

const scenarios: Scenario[] = [
  {
    name: "publish-returns-false-when-the-channel-buffer-is-full-and-drain-follows",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await t.channel(conn, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      const body = Buffer.from("x");
      let firstFalse = 0;
      let falses = 0;
      for (let i = 1; i <= 3000; i++) {
        if (!ch.sendToQueue(q, body)) {
          falses += 1;
          firstFalse ||= i;
        }
      }
      t.log("tight loop of 3000 publishes", { firstFalse, falses });
      await once(ch, "drain");
      t.log("drain arrived");
      await waitForReady(t, conn, q, 3000);
      t.log("all 3000 queued");
    },
  },
  {
    name: "a-smaller-channel-high-water-mark-fills-sooner",
    async run(t) {
      const conn = await t.connect("conn");
      const ch = await conn.createChannel({ highWaterMark: 10 });
      t.watch(ch, "ch");
      const q = t.queueName("q");
      await ch.assertQueue(q, { durable: false });
      const results: boolean[] = [];
      for (let i = 0; i < 25; i++) results.push(ch.sendToQueue(q, Buffer.from(String(i))));
      t.log("publish results", results.map((r, i) => (r ? "" : String(i + 1))).filter(Boolean));
      await waitForReady(t, conn, q, 25);
      t.log("all 25 queued");
    },
  },
];

export default scenarios;
