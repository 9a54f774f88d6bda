// Charts and pictures also carry their numbers as plain text: what a terminal, a screen reader
// or a diff shows, and what a learner can copy.

export type Cell = string | number | boolean | null | undefined | Date;

export function formatCell(value: Cell, decimals?: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (decimals !== undefined && Number.isFinite(value)) return value.toFixed(decimals);
    return Number.isInteger(value) ? String(value) : value.toLocaleString("en-US", { maximumFractionDigits: 3, useGrouping: false });
  }
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

// Digits after the point (at most 3) that the column's numbers need, so the points line up.
function decimalsOf(values: readonly Cell[]): number {
  return Math.max(0, ...values.map((v) => (typeof v === "number" && Number.isFinite(v) ? (formatCell(v).split(".")[1] ?? "").length : 0)));
}

/** Left-aligned text columns, numbers right-aligned on a common number of decimals, a rule under the header. */
export function textTable(columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === "number" || row[i] == null));
  const decimals = columns.map((_, i) => (numeric[i] ? decimalsOf(rows.map((row) => row[i])) : undefined));
  const cells = rows.map((row) => row.map((value, i) => formatCell(value, decimals[i])));
  const widths = columns.map((title, i) => Math.max(title.length, ...cells.map((row) => (row[i] ?? "").length)));
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => (numeric[i] ? value.padStart(widths[i]!) : value.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}
