// npm run bench -- ack-modes|durability [--messages N] [--rounds N] [--crash-messages N] [--recovery-messages N]
//   [--consumers N] [--prefetch N] [--batch N] [--window N] [--size BYTES] [--warmup N]
//   [--modes a,b] [--levels a,b] [--nagle N] [--no-storage] [--record]
// Runs one experiment on the broker connect() would use (AMQP_URL, else the in-memory broker)
// with a progress bar, then prints its tables. --record (live only) writes the report as the
// reference data the lessons show in memory mode. Prints figures; asserts nothing.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SingleBar, Presets } from "cli-progress";
import { describeMode, redactUrl } from "../mode";
import { ACK_MODES, type AckModeName, compareNagle, runAckModes } from "./ack-modes";
import { DURABILITY_LEVELS, type DurabilityLevel, runDurability } from "./durability";
import type { ExperimentProgress, RunInfo } from "./harness";
import { REFERENCE_FILES, SEED_BASELINE } from "./reference";
import { ackModesTable, crashTable, durabilityTable, nagleTable, recoveryTable, storageTable } from "./tables";

type Experiment = keyof typeof REFERENCE_FILES;

interface Args {
  experiment: Experiment;
  numbers: Map<string, number>;
  modes?: AckModeName[];
  levels?: DurabilityLevel[];
  storage: boolean;
  record: boolean;
}

const NUMBER_FLAGS = ["messages", "rounds", "crash-messages", "recovery-messages", "consumers", "prefetch", "batch", "window", "size", "warmup", "nagle"];
const USAGE = `usage: npm run bench -- ack-modes|durability [--messages N] [--rounds N] [--crash-messages N] [--recovery-messages N] [--consumers N] [--prefetch N] [--batch N] [--window N] [--size BYTES] [--warmup N] [--nagle N] [--modes ${ACK_MODES.join(",")}] [--levels ${DURABILITY_LEVELS.join(",")}] [--no-storage] [--record]`;

function parseArgs(argv: readonly string[]): Args {
  const experiment = argv[0];
  if (experiment !== "ack-modes" && experiment !== "durability") throw new Error(`which experiment? ${USAGE}`);
  const args: Args = { experiment, numbers: new Map(), storage: true, record: false };
  for (let i = 1; i < argv.length; i++) {
    const flag = argv[i]!.replace(/^--/, "");
    if (flag === "record") args.record = true;
    else if (flag === "no-storage") args.storage = false;
    else if (flag === "modes") args.modes = listOf(argv[++i], ACK_MODES, "--modes");
    else if (flag === "levels") args.levels = listOf(argv[++i], DURABILITY_LEVELS, "--levels");
    else if (NUMBER_FLAGS.includes(flag)) {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 0) throw new Error(`--${flag} needs a whole number ≥ 0, got ${argv[i]}`);
      args.numbers.set(flag, value);
    } else throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
  }
  return args;
}

function listOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T[] {
  const items = (value ?? "").split(",").filter(Boolean);
  const wrong = items.filter((x) => !allowed.includes(x as T));
  if (items.length === 0 || wrong.length) throw new Error(`${flag} takes a comma-separated list of ${allowed.join(", ")}; got ${value}`);
  return items as T[];
}

function progressBar(): { update: (p: ExperimentProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) {
    let lastPhase = "";
    return {
      update: (p) => {
        if (p.phase !== lastPhase) process.stderr.write(`  ${p.phase}\n`);
        lastPhase = p.phase;
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar(
    { format: " {bar} {value}/{total} messages | {phase} | {send} msg/s sent, {receive} msg/s received, depth {depth}", stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      const payload = { phase: p.phase, send: p.sendRate, receive: p.receiveRate, depth: p.queueDepth ?? "-" };
      if (!started) bar.start(p.total, p.done, payload);
      started = true;
      bar.update(p.done, payload);
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}

function header(run: RunInfo): string {
  return [`Broker:  ${run.source}`, `Machine: ${run.machine}, Node ${run.node}, load ${run.load}`, `Date:    ${run.date}`].join("\n");
}

function record(experiment: Experiment, data: object): string {
  const text = `${JSON.stringify(data, null, 2)}\n`;
  // The source copy is committed; the dist copy is what lessons load until the next build.
  const source = resolve(__dirname, "..", "..", "src", "experiments", "reference", REFERENCE_FILES[experiment]);
  writeFileSync(source, text);
  writeFileSync(join(__dirname, "reference", REFERENCE_FILES[experiment]), text);
  return source;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const n = (flag: string) => args.numbers.get(flag);
  const live = Boolean(process.env.AMQP_URL);
  if (args.record && !live) throw new Error("--record writes reference figures from a real RabbitMQ: set AMQP_URL (and RABBITMQ_RESTART_COMMAND for the restart run)");
  console.log(`${args.experiment} on the ${describeMode()}`);
  if (!live) console.log("In-memory figures measure this process's JavaScript only: no network, no disk.");
  const bar = progressBar();
  const restart = process.env.RABBITMQ_RESTART_COMMAND;
  const command = [
    live ? `AMQP_URL=${redactUrl(process.env.AMQP_URL!)}` : "",
    args.experiment === "durability" && restart ? `RABBITMQ_RESTART_COMMAND='${restart}'` : "",
    `npm run bench -- ${process.argv.slice(2).join(" ")}`,
  ]
    .filter(Boolean)
    .join(" ");
  try {
    if (args.experiment === "ack-modes") {
      const report = await runAckModes({
        modes: args.modes,
        messages: n("messages"),
        crashMessages: n("crash-messages"),
        consumers: n("consumers"),
        prefetch: n("prefetch"),
        batchSize: n("batch"),
        confirmWindow: n("window"),
        size: n("size"),
        warmup: n("warmup"),
        onProgress: bar.update,
      });
      const nagleMessages = n("nagle") ?? 50;
      const nagle = nagleMessages > 0 && live ? await compareNagle({ messages: nagleMessages, size: n("size") }) : null;
      bar.stop();
      const s = report.settings;
      console.log(`\n${header(report.run)}`);
      console.log(`Settings: ${s.messages} messages per mode, ${s.consumers} consumers, prefetch ${s.prefetch}, batches of ${s.batchSize}, ${s.size}-byte bodies; latency from publish to settlement\n`);
      console.log(ackModesTable(report));
      console.log(`\nOne of ${s.consumers} consumers crashes half-way through its share of ${s.crashMessages} queued messages, after processing a message and before settling it:\n`);
      console.log(crashTable(report));
      if (nagle) console.log(`\nNagle's algorithm on request/response (${nagle.messages} round trips each):\n\n${nagleTable(nagle)}`);
      if (args.record) console.log(`\nrecorded: ${record("ack-modes", { recordedWith: command, report, nagle })}`);
    } else {
      const report = await runDurability({
        levels: args.levels,
        messages: n("messages"),
        rounds: n("rounds"),
        recoveryMessages: n("recovery-messages"),
        storage: args.storage,
        size: n("size"),
        confirmWindow: n("window"),
        prefetch: n("prefetch"),
        warmup: n("warmup"),
        onProgress: bar.update,
      });
      bar.stop();
      const s = report.settings;
      console.log(`\n${header(report.run)}`);
      console.log(`Settings: ${s.messages} messages per level in each of ${s.rounds} interleaved rounds (the median round is shown), asynchronous confirms (≤ ${s.confirmWindow} in flight), prefetch ${s.prefetch}, ${s.size}-byte bodies\n`);
      console.log(durabilityTable(report));
      console.log(`Seed baseline: ${SEED_BASELINE.source}.`);
      console.log(`\nBroker restart with ${s.recoveryMessages} confirmed messages per case:\n`);
      console.log(recoveryTable(report));
      if (report.storage.length) console.log(`\nStorage of a durable queue with persistent messages:\n\n${storageTable(report)}`);
      if (args.record) {
        if (!report.recovery?.restarted) throw new Error("not recorded: the restart did not happen; set RABBITMQ_RESTART_COMMAND");
        console.log(`\nrecorded: ${record("durability", { recordedWith: command, report })}`);
      }
    }
  } finally {
    bar.stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`\n${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
