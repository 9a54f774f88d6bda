// Runs one lesson top to bottom in a fresh kernel, as "Restart kernel and run all" would, and
// stops at the first failing cell: the cells after it build on what it should have done.
import { basename, dirname } from "node:path";
import { performance } from "node:perf_hooks";
import { KernelClient } from "./kernel-client";
import { type CodeCell, type Notebook, readNotebook, stripped, text } from "./notebook";

export interface CellFailure {
  /** 1-based position among all cells, as a reader counts them in the notebook. */
  cell: number;
  source: string;
  error: string;
}

export interface LessonResult {
  name: string;
  codeCells: number;
  executed: number;
  seconds: number;
  failure?: CellFailure;
  /** The notebook with outputs and execution counts. */
  notebook: Notebook;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cellTimeoutMs?: number;
  /** Called after each code cell, e.g. to move a progress bar. */
  onCell?: (done: number, total: number) => void;
}

export function lessonName(path: string): string {
  return basename(path, ".ipynb");
}

export function codeCellCount(path: string): number {
  return readNotebook(path).cells.filter((c) => c.cell_type === "code").length;
}

export async function runLesson(path: string, options: RunOptions = {}): Promise<LessonResult> {
  const notebook = stripped(readNotebook(path));
  const codeCells = notebook.cells.filter((c): c is CodeCell => c.cell_type === "code");
  const started = performance.now();
  const result: LessonResult = { name: lessonName(path), codeCells: codeCells.length, executed: 0, seconds: 0, notebook };
  const kernel = await KernelClient.start({ cwd: dirname(path), env: options.env });
  try {
    for (const cell of codeCells) {
      const source = text(cell.source);
      const run = await kernel.execute(source, options.cellTimeoutMs);
      cell.outputs = run.outputs;
      cell.execution_count = run.executionCount;
      result.executed++;
      options.onCell?.(result.executed, codeCells.length);
      if (run.status !== "ok") {
        result.failure = { cell: notebook.cells.indexOf(cell) + 1, source, error: errorText(cell) || `the cell ended with status ${run.status}` };
        break;
      }
    }
  } finally {
    await kernel.shutdown();
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/** tslab reports a failure as stderr text, not as an `error` output; take either. */
function errorText(cell: CodeCell): string {
  return cell.outputs
    .map((o) => (o.output_type === "stream" && o.name === "stderr" ? text(o.text) : o.output_type === "error" ? `${o.ename}: ${o.evalue}` : ""))
    .join("")
    .trim();
}
