// A small table of results for a lesson: HTML in Jupyter and the pages, aligned text elsewhere.
// Every table says where its rows came from, like every chart.
import { escapeHtml } from "../exercises/exercise";
import { displayBundle } from "../lab/display";
import { formatCell, textTable, type Cell } from "../lab/text-table";

export type Row = Record<string, Cell>;

export interface TableOptions {
  /** A caption above the table. */
  title?: string;
  /** Where the rows came from ("in-memory broker", "RabbitMQ 3.10.8 at ..."), printed under it. */
  source?: string;
}

/** The rows as HTML, columns in the order they first appear. */
export function tableHtml(rows: readonly Row[], options: TableOptions = {}): string {
  const columns = columnsOf(rows);
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => typeof r[c] === "number" || r[c] == null));
  const align = (i: number) => (numeric[i] ? ' style="text-align:right"' : "");
  const head = columns.map((c, i) => `<th${align(i)}>${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) => `<tr>${columns.map((c, i) => `<td${align(i)}>${escapeHtml(formatCell(r[c]))}</td>`).join("")}</tr>`).join("");
  // A heading above the table rather than a <caption>, which would wrap to the table's width.
  const caption = options.title ? `<div style="font-weight:bold;padding:2px 0">${escapeHtml(options.title)}</div>` : "";
  const source = options.source ? `<div style="font-size:.8em;color:#57606a">Source: ${escapeHtml(options.source)}</div>` : "";
  return `<div style="margin:4px 0">${caption}<table style="border-collapse:collapse"><tr>${head}</tr>${body}</table>${source}</div>`;
}

/** The rows as aligned text, for a terminal or a screen reader. */
export function tableText(rows: readonly Row[], options: TableOptions = {}): string {
  const columns = columnsOf(rows);
  const lines = [textTable(columns, rows.map((r) => columns.map((c) => r[c])))];
  if (options.title) lines.unshift(options.title, "");
  if (options.source) lines.push("", `Source: ${options.source}`);
  return lines.join("\n");
}

/** Shows rows as one table output. */
export function showTable(rows: readonly Row[], options: TableOptions = {}): void {
  displayBundle({ "text/html": tableHtml(rows, options), "text/plain": tableText(rows, options) });
}

function columnsOf(rows: readonly Row[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r)))];
}
