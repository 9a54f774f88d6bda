// The parts of nbformat 4 the runner reads and writes (https://nbformat.readthedocs.io).
import { readFileSync, writeFileSync } from "node:fs";

export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}

export interface DisplayDataOutput {
  output_type: "display_data";
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code";
  id?: string;
  metadata: Record<string, unknown>;
  source: MultilineString;
  outputs: Output[];
  execution_count: number | null;
}

export interface TextCell {
  cell_type: "markdown" | "raw";
  id?: string;
  metadata: Record<string, unknown>;
  source: MultilineString;
  attachments?: Record<string, unknown>;
}

export type Cell = CodeCell | TextCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

export function text(value: MultilineString): string {
  return Array.isArray(value) ? value.join("") : value;
}

/** Lines with their newlines kept, as Jupyter writes `source` and `text`. */
export function lines(value: string): string[] {
  return value.split(/(?<=\n)/).filter((line) => line !== "");
}

export function readNotebook(path: string): Notebook {
  return JSON.parse(readFileSync(path, "utf8")) as Notebook;
}

/** Written as Jupyter writes it (one-space indent, trailing newline), so diffs stay small. */
export function writeNotebook(path: string, notebook: Notebook): void {
  writeFileSync(path, `${JSON.stringify(notebook, null, 1)}\n`);
}

/** The notebook as it is committed: no outputs, no execution counts. */
export function stripped(notebook: Notebook): Notebook {
  return {
    ...notebook,
    cells: notebook.cells.map((cell) =>
      cell.cell_type === "code" ? { ...cell, outputs: [], execution_count: null, metadata: withoutRunState(cell.metadata) } : cell,
    ),
  };
}

// Front ends record collapsed/scrolled state and timings per cell: noise in a diff.
function withoutRunState(metadata: Record<string, unknown>): Record<string, unknown> {
  const { collapsed: _c, scrolled: _s, execution: _e, ...rest } = metadata;
  return rest;
}

/** What makes a committed notebook unacceptable, in words; empty when it is fine. */
export function problems(value: unknown): string[] {
  const found: string[] = [];
  const nb = value as Partial<Notebook>;
  if (nb.nbformat !== 4) found.push(`nbformat is ${String(nb.nbformat)}, not 4`);
  if (typeof nb.nbformat_minor !== "number") found.push("nbformat_minor is missing");
  if (typeof nb.metadata !== "object" || nb.metadata === null) found.push("metadata is missing");
  if (!Array.isArray(nb.cells)) return [...found, "cells is not a list"];
  nb.cells.forEach((cell, i) => {
    const where = `cell ${i + 1}`;
    if (!["code", "markdown", "raw"].includes(cell.cell_type)) found.push(`${where}: unknown cell_type ${String(cell.cell_type)}`);
    if (typeof cell.source !== "string" && !Array.isArray(cell.source)) found.push(`${where}: source is missing`);
    if (typeof cell.metadata !== "object" || cell.metadata === null) found.push(`${where}: metadata is missing`);
    if ((nb.nbformat_minor ?? 0) >= 5 && typeof cell.id !== "string") found.push(`${where}: id is missing (nbformat 4.5)`);
    if (cell.cell_type === "code") {
      if (!Array.isArray(cell.outputs) || cell.outputs.length > 0) found.push(`${where}: has outputs (run npm run strip)`);
      if (cell.execution_count !== null) found.push(`${where}: has an execution count (run npm run strip)`);
    }
  });
  return found;
}
