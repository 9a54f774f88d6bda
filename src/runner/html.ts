// Executed lessons as self-contained HTML pages: styles inlined, code highlighted here, charts
// as inline SVG. Opening a page fetches nothing, so it works offline and from a CI artifact.
import { readFileSync } from "node:fs";
import hljs from "highlight.js";
import MarkdownIt from "markdown-it";
import { type Cell, type Output, text } from "./notebook";
import type { LessonResult } from "./run-lesson";

const markdown = new MarkdownIt({ html: true, linkify: true });
const highlightTheme = readFileSync(require.resolve("highlight.js/styles/github.css"), "utf8");

// Lesson cells run up to ~110 characters a line. The column is sized in rem, so it grows with the
// reader's font size, to hold 120 characters of code (at .85rem, ~0.6em a glyph) beside the prompt;
// on a 1280px laptop that still leaves a margin. Prose keeps a shorter line, which reads better.
const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:68rem;margin:2rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}
.markdown>:not(table):not(pre){max-width:50rem}
header.run{font-size:.9rem;color:#57606a;border-bottom:1px solid #d0d7de;padding-bottom:.5rem;margin-bottom:1.5rem}
.status-ok{color:#1a7f37}.status-failed{color:#cf222e;font-weight:bold}
.cell{margin:1rem 0}.code{display:flex;gap:.5rem}
.prompt{font-family:ui-monospace,monospace;font-size:.8rem;color:#57606a;min-width:3.5rem;text-align:right;padding-top:.6rem}
pre{margin:0;padding:.6rem .8rem;overflow-x:auto;font-size:.85rem;border-radius:6px}
.source{flex:1;background:#f6f8fa;border:1px solid #d0d7de}
.outputs{margin-left:4rem}.output{margin:.4rem 0}.output svg{max-width:100%;height:auto}
.stdout{background:#fff}.stderr{background:#fff0f0;color:#82071e}
.failed .source{border:2px solid #cf222e}.not-run{opacity:.55}
.note{font-size:.85rem;color:#cf222e;margin:.3rem 0 0 4rem}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.3rem .7rem;text-align:left}
:not(pre)>code{background:#f6f8fa;padding:.1em .3em;border-radius:4px;font-size:.85em}
`;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Error text from Node may carry terminal colour codes.
function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, "");
}

let svgCount = 0;
/** Several SVGs in one page share one id space: give each its own ids. */
function isolateSvg(svg: string): string {
  const prefix = `s${++svgCount}-`;
  return svg
    .replace(/<\?xml[^>]*\?>/, "")
    .replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`);
}

function renderData(data: Record<string, unknown>): string {
  const str = (v: unknown) => (Array.isArray(v) ? v.join("") : String(v));
  if (data["image/svg+xml"] !== undefined) return isolateSvg(str(data["image/svg+xml"]));
  if (data["image/png"] !== undefined) return `<img alt="" src="data:image/png;base64,${str(data["image/png"]).trim()}">`;
  if (data["text/html"] !== undefined) return str(data["text/html"]);
  if (data["text/markdown"] !== undefined) return markdown.render(str(data["text/markdown"]));
  if (data["text/plain"] !== undefined) return `<pre class="stdout">${escapeHtml(str(data["text/plain"]))}</pre>`;
  return `<pre class="stderr">no representation this page can show (${escapeHtml(Object.keys(data).join(", "))})</pre>`;
}

export function renderOutput(output: Output): string {
  switch (output.output_type) {
    case "stream":
      return `<pre class="${output.name}">${escapeHtml(stripAnsi(text(output.text)))}</pre>`;
    case "display_data":
    case "execute_result":
      return renderData(output.data);
    case "error":
      return `<pre class="stderr">${escapeHtml(stripAnsi([`${output.ename}: ${output.evalue}`, ...output.traceback].join("\n")))}</pre>`;
  }
}

function renderCell(cell: Cell, position: number, failedAt: number | undefined): string {
  const source = text(cell.source);
  if (cell.cell_type !== "code") {
    return cell.cell_type === "markdown" ? `<div class="cell markdown">${markdown.render(source)}</div>` : `<div class="cell raw"><pre>${escapeHtml(source)}</pre></div>`;
  }
  const failed = position === failedAt;
  const notRun = failedAt !== undefined && position > failedAt;
  const code = hljs.highlight(source, { language: "typescript" }).value;
  const outputs = cell.outputs.map((o) => `<div class="output">${renderOutput(o)}</div>`).join("");
  return [
    `<div class="cell code-cell${failed ? " failed" : ""}${notRun ? " not-run" : ""}">`,
    `<div class="code"><div class="prompt">[${cell.execution_count ?? " "}]:</div><pre class="source hljs"><code>${code}</code></pre></div>`,
    failed ? `<div class="note">This cell failed; the cells below it were not run.</div>` : "",
    outputs ? `<div class="outputs">${outputs}</div>` : "",
    "</div>",
  ].join("");
}

function page(title: string, body: string): string {
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}\n${highlightTheme}</style>`,
    "</head><body>",
    body,
    "</body></html>",
  ].join("\n");
}

export interface RunContext {
  /** Which broker the lessons ran on, password redacted. */
  broker: string;
  finishedAt: Date;
}

export function lessonStatus(result: { failure?: { cell: number }; executed: number; codeCells: number }): string {
  return result.failure ? `failed at cell ${result.failure.cell}` : `${result.executed}/${result.codeCells} code cells ran`;
}

export function renderLessonPage(result: LessonResult, context: RunContext): string {
  const failedAt = result.failure?.cell;
  const cells = result.notebook.cells.map((cell, i) => renderCell(cell, i + 1, failedAt)).join("\n");
  const header = `<header class="run"><a href="index.html">All lessons</a> · ran on ${escapeHtml(context.broker)} · ${context.finishedAt.toISOString()} · ${result.seconds.toFixed(1)} s · <span class="${result.failure ? "status-failed" : "status-ok"}">${escapeHtml(lessonStatus(result))}</span></header>`;
  return page(result.name, `${header}\n${cells}`);
}

export interface IndexEntry {
  name: string;
  codeCells: number;
  executed: number;
  seconds: number;
  failure?: { cell: number };
  broker: string;
  finishedAt: string;
}

export function renderIndexPage(entries: readonly IndexEntry[]): string {
  const rows = entries
    .map(
      (e) =>
        `<tr><td><a href="${encodeURIComponent(e.name)}.html">${escapeHtml(e.name)}</a></td><td class="${e.failure ? "status-failed" : "status-ok"}">${escapeHtml(lessonStatus(e))}</td><td>${e.seconds.toFixed(1)} s</td><td>${escapeHtml(e.broker)}</td><td>${escapeHtml(e.finishedAt)}</td></tr>`,
    )
    .join("\n");
  return page(
    "RabbitMQ Reliable Delivery Lab — lessons",
    `<h1>RabbitMQ Reliable Delivery Lab</h1>\n<p>Lessons as last run by <code>npm start</code>.</p>\n<table class="summary"><tr><th>Lesson</th><th>Result</th><th>Time</th><th>Broker</th><th>Run at</th></tr>\n${rows}\n</table>`,
  );
}
