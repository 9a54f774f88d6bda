// npm start [-- <lesson>...] [--out <dir>] [--timeout <seconds>]
// Runs lessons headless on the broker connect() would use, writes executed notebooks and HTML
// pages under out/, prints a summary, and exits non-zero when any cell failed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MultiBar, Presets } from "cli-progress";
import { describeMode } from "../mode";
import { textTable } from "../lab/text-table";
import { type IndexEntry, renderIndexPage, renderLessonPage } from "./html";
import { writeNotebook, readNotebook } from "./notebook";
import { lessonPaths, NOTEBOOKS, OUT } from "./paths";
import { codeCellCount, type LessonResult, lessonName, runLesson } from "./run-lesson";

interface Args {
  lessons: string[];
  out: string;
  timeoutMs: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { lessons: [], out: OUT, timeoutMs: 120_000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--out") args.out = resolve(argv[++i] ?? OUT);
    else if (arg === "--timeout") args.timeoutMs = Number(argv[++i]) * 1000;
    else args.lessons.push(arg);
  }
  return args;
}

/** A lesson by path, by full name, or by the start of its name ("00", "00-setup"). */
export function findLessons(wanted: readonly string[], available = lessonPaths()): string[] {
  if (wanted.length === 0) return available;
  return wanted.map((w) => {
    if (w.endsWith(".ipynb") && existsSync(w)) return resolve(w);
    const name = w.replace(/\.ipynb$/, "").replace(/^.*\//, "");
    const found = available.filter((p) => lessonName(p) === name).concat(available.filter((p) => lessonName(p).startsWith(name)));
    if (found.length === 0) {
      throw new Error(`no lesson named "${w}" in ${NOTEBOOKS}; the lessons are: ${available.map(lessonName).join(", ")}`);
    }
    return found[0]!;
  });
}

function progress(total: number): { begin(lesson: string): void; tick(): void; log(line: string): void; stop(): void } {
  if (!process.stderr.isTTY) {
    return { begin: () => {}, tick: () => {}, log: (line) => console.log(line), stop: () => {} };
  }
  // A MultiBar, even for one bar, because it can print lines above the bar without tearing it.
  const bars = new MultiBar({ format: " {bar} {value}/{total} cells | {lesson}", stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  const bar = bars.create(total, 0, { lesson: "" });
  return {
    begin: (lesson) => bar.update({ lesson }),
    tick: () => bar.increment(),
    log: (line) => {
      bars.log(`${line}\n`);
      bars.update(); // log lines are printed on the next redraw, which may not come before stop()
    },
    stop: () => bars.stop(),
  };
}

function failedResult(path: string, error: unknown): LessonResult {
  return {
    name: lessonName(path),
    codeCells: codeCellCount(path),
    executed: 0,
    seconds: 0,
    failure: { cell: 0, source: "(starting the kernel)", error: (error as Error).message },
    notebook: readNotebook(path),
  };
}

function updateIndex(out: string, results: readonly LessonResult[], broker: string, finishedAt: Date): void {
  const file = join(out, "results.json");
  const previous: IndexEntry[] = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as IndexEntry[]) : [];
  const byName = new Map(previous.map((e) => [e.name, e]));
  for (const r of results) {
    byName.set(r.name, { name: r.name, codeCells: r.codeCells, executed: r.executed, seconds: r.seconds, failure: r.failure && { cell: r.failure.cell }, broker, finishedAt: finishedAt.toISOString() });
  }
  const entries = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  writeFileSync(file, `${JSON.stringify(entries, null, 1)}\n`);
  writeFileSync(join(out, "index.html"), renderIndexPage(entries));
}

function indent(s: string): string {
  return s.replace(/^/gm, "    ");
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  let lessons: string[];
  try {
    lessons = findLessons(args.lessons);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const broker = describeMode();
  console.log(`Running ${lessons.length} lesson(s) on: ${broker}`);
  mkdirSync(args.out, { recursive: true });
  const bar = progress(lessons.reduce((n, p) => n + codeCellCount(p), 0));
  const results: LessonResult[] = [];
  for (const path of lessons) {
    const name = lessonName(path);
    bar.begin(name);
    const result = await runLesson(path, { cellTimeoutMs: args.timeoutMs, onCell: () => bar.tick() }).catch((err: unknown) => failedResult(path, err));
    results.push(result);
    const finishedAt = new Date();
    writeNotebook(join(args.out, `${name}.ipynb`), result.notebook);
    writeFileSync(join(args.out, `${name}.html`), renderLessonPage(result, { broker, finishedAt }));
    updateIndex(args.out, [result], broker, finishedAt);
    bar.log(`${result.failure ? "✗" : "✓"} ${name}  ${result.executed}/${result.codeCells} cells  ${result.seconds.toFixed(1)} s`);
  }
  bar.stop();

  console.log(
    `\n${textTable(
      ["lesson", "cells", "seconds", "failures"],
      results.map((r) => [r.name, `${r.executed}/${r.codeCells}`, Number(r.seconds.toFixed(1)), r.failure ? 1 : 0]),
    )}\n`,
  );
  for (const r of results.filter((r) => r.failure)) {
    const f = r.failure!;
    console.log(`✗ ${r.name}, cell ${f.cell} failed:\n${indent(f.source)}\n  error:\n${indent(f.error)}\n`);
  }
  console.log(`Executed notebooks and HTML pages: ${join(args.out, "index.html")}`);
  const failed = results.filter((r) => r.failure).length;
  console.log(failed ? `${failed} of ${results.length} lesson(s) failed` : `all ${results.length} lesson(s) ran without errors`);
  return failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
