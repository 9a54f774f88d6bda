// Self-checking exercises, in the spirit of Kaggle Learn: each has `check`, `hint` and
// `solution`. A check runs the learner's answer against the broker of the active mode (memory,
// or the RabbitMQ named by AMQP_URL) with cases of its own, and says which case failed and why
// in words a learner understands.
import { randomBytes } from "node:crypto";
import type { BrokerConnection, Channel } from "../amqp";
import { connect } from "../connect";
import { displayBundle } from "../lab/display";

export interface CheckOutcome {
  passed: boolean;
  /** One line: what passed, or which case failed. */
  summary: string;
  /** For a failure: what was expected and what happened. */
  details: string[];
}

/** What a check's cases get: connections to the active broker and names that cannot clash. */
export interface ExerciseContext {
  connect(): Promise<BrokerConnection>;
  /** A channel on a shared connection, closed after the check. */
  channel(): Promise<Channel>;
  /** A unique resource name (queues and exchanges a case declares are deleted afterwards). */
  name(label: string): string;
  /** Deletes this queue (or exchange) after the check, even when a case fails. */
  cleanup(work: (ch: Channel) => Promise<unknown>): void;
}

/** Thrown by a case: the learner sees the case, what was expected, and what happened. */
export class CaseFailed extends Error {
  constructor(
    readonly caseName: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${caseName}: expected ${expected}, but ${actual}`);
  }
}

export interface ExerciseSpec<Answer> {
  id: string;
  title: string;
  hint: string;
  /** The solution as the learner would write it, shown by `solution()`. */
  solutionSource: string;
  reference: Answer;
  /** What the notebook's exercise cell starts with; it must fail the check. */
  stub: Answer;
  /** Runs the cases; throws CaseFailed for the first one that fails. */
  cases(answer: Answer, ctx: ExerciseContext): Promise<void>;
}

export interface Exercise<Answer> {
  readonly id: string;
  readonly title: string;
  readonly reference: Answer;
  readonly stub: Answer;
  /** Runs the cases and shows the outcome in the notebook. */
  check(answer: Answer): Promise<void>;
  /** Runs the cases and returns the outcome (what `check` shows). */
  evaluate(answer: Answer): Promise<CheckOutcome>;
  hint(): void;
  solution(): void;
}

export function defineExercise<Answer>(spec: ExerciseSpec<Answer>): Exercise<Answer> {
  const evaluate = (answer: Answer) => runCases(spec, answer);
  return {
    id: spec.id,
    title: spec.title,
    reference: spec.reference,
    stub: spec.stub,
    evaluate,
    async check(answer: Answer) {
      showOutcome(spec, await evaluate(answer));
    },
    hint() {
      showBox(`Hint (${spec.id} ${spec.title})`, spec.hint, "#1f6feb");
    },
    solution() {
      showBox(`Solution (${spec.id} ${spec.title})`, spec.solutionSource, "#6e7781", true);
    },
  };
}

async function runCases<Answer>(spec: ExerciseSpec<Answer>, answer: Answer): Promise<CheckOutcome> {
  const run = randomBytes(3).toString("hex");
  const connections: BrokerConnection[] = [];
  const cleanups: ((ch: Channel) => Promise<unknown>)[] = [];
  let shared: BrokerConnection | undefined;
  const ctx: ExerciseContext = {
    async connect() {
      const conn = await connect();
      conn.on("error", () => undefined);
      connections.push(conn);
      return conn;
    },
    async channel() {
      shared ??= await ctx.connect();
      const ch = await shared.createChannel();
      ch.on("error", () => undefined);
      return ch;
    },
    name: (label) => `exercise.${spec.id}.${label}.${run}`,
    cleanup: (work) => void cleanups.push(work),
  };
  try {
    await spec.cases(answer, ctx);
    return { passed: true, summary: `${spec.id} ${spec.title}: correct, every case passed.`, details: [] };
  } catch (err) {
    if (err instanceof CaseFailed) {
      return {
        passed: false,
        summary: `${spec.id} ${spec.title}: not yet. Case "${err.caseName}" failed.`,
        details: [`expected: ${err.expected}`, `but:      ${err.actual}`],
      };
    }
    const message = err instanceof Error ? err.message : String(err);
    return { passed: false, summary: `${spec.id} ${spec.title}: your code threw an error.`, details: [message] };
  } finally {
    const admin = await connect().catch(() => undefined);
    if (admin) {
      admin.on("error", () => undefined);
      for (const work of cleanups) {
        const ch = await admin.createChannel().catch(() => undefined);
        if (!ch) break;
        ch.on("error", () => undefined);
        await work(ch).catch(() => undefined);
        await ch.close().catch(() => undefined);
      }
      await admin.close().catch(() => undefined);
    }
    for (const conn of connections) await conn.close().catch(() => undefined);
  }
}

function showOutcome(spec: ExerciseSpec<unknown>, outcome: CheckOutcome): void {
  const mark = outcome.passed ? "✓" : "✗";
  const text = [`${mark} ${outcome.summary}`, ...outcome.details.map((d) => `  ${d}`)];
  if (!outcome.passed) text.push(`  (${spec.id}: call .hint() for a hint, .solution() to see one answer)`);
  showBox(outcome.passed ? "Correct" : "Not yet", text.join("\n"), outcome.passed ? "#1a7f37" : "#cf222e", true);
}

function showBox(title: string, body: string, color: string, preformatted = false): void {
  const content = preformatted ? `<pre style="margin:0;white-space:pre-wrap">${escapeHtml(body)}</pre>` : `<div>${escapeHtml(body)}</div>`;
  displayBundle({
    "text/html": `<div style="border-left:4px solid ${color};padding:6px 12px;margin:4px 0"><strong style="color:${color}">${escapeHtml(title)}</strong>${content}</div>`,
    "text/plain": `${title}\n${body}`,
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
