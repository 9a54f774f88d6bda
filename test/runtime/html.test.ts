import { expect, test } from "vitest";
import { renderIndexPage, renderLessonPage } from "../../src/runner/html";
import type { LessonResult } from "../../src/runner/run-lesson";

const result: LessonResult = {
  name: "99-demo", codeCells: 2, executed: 2, seconds: 1.25,
  failure: { cell: 3, source: "throw new Error('x')", error: "Error: x" },
  notebook: {
    nbformat: 4, nbformat_minor: 5, metadata: {},
    cells: [
      { cell_type: "markdown", metadata: {}, source: "# Demo\n\nSome *prose*." },
      { cell_type: "code", metadata: {}, source: "const n: number = 1;", execution_count: 1, outputs: [
        { output_type: "display_data", metadata: {}, data: { "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg"><defs><clipPath id="c1"/></defs><g clip-path="url(#c1)"/></svg>', "text/plain": "numbers" } },
        { output_type: "stream", name: "stdout", text: "<b>not html</b>\n" },
      ] },
      { cell_type: "code", metadata: {}, source: "throw new Error('x')", execution_count: 2, outputs: [{ output_type: "stream", name: "stderr", text: "\u001b[31mError: x\u001b[39m\n" }] },
    ],
  },
};

const html = renderLessonPage(result, { broker: "in-memory broker", finishedAt: new Date(0) });

test("a page is self-contained: nothing is fetched when it opens", () => {
  expect(html).not.toMatch(/<script\b|<link\b|<iframe\b|@import/i);
  expect(html).not.toMatch(/\bsrc="(?!data:)/i);
  expect(html).toContain("<style>");
});

test("charts are inline SVG with ids of their own; code is highlighted; text is escaped", () => {
  expect(html).toMatch(/<svg[^>]*><defs><clipPath id="s\d+-c1"\/><\/defs><g clip-path="url\(#s\d+-c1\)"\/><\/svg>/);
  expect(html).toContain('<span class="hljs-keyword">const</span>');
  expect(html).toContain("&#60;b&#62;not html&#60;/b&#62;");
  expect(html).toContain("<h1>Demo</h1>");
  expect(html).not.toContain("\u001b[");
});

test("the failing cell is marked and the page says where the run stopped", () => {
  expect(html).toContain("failed at cell 3");
  expect(html).toContain("This cell failed");
});

test("the index links every lesson with its result", () => {
  const index = renderIndexPage([{ name: "99-demo", codeCells: 2, executed: 2, seconds: 1.2, failure: { cell: 3 }, broker: "b", finishedAt: "t" }]);
  expect(index).toContain('href="99-demo.html"');
  expect(index).toContain("failed at cell 3");
});

test("the content column holds 120-character code lines beside the prompt, fits a 1280px laptop, and keeps prose shorter", () => {
  const rem = (pattern: RegExp) => Number(html.match(pattern)?.[1]);
  const column = rem(/body\{[^}]*max-width:([\d.]+)rem/);
  const prompt = rem(/\.prompt\{[^}]*min-width:([\d.]+)rem/);
  const gap = rem(/\.code\{[^}]*gap:([\d.]+)rem/);
  const padding = rem(/\npre\{[^}]*padding:[\d.]+rem ([\d.]+)rem/);
  const font = rem(/\npre\{[^}]*font-size:([\d.]+)rem/);
  // Monospace glyphs are 0.55–0.6em wide (Consolas, Menlo, DejaVu Sans Mono); borders take ~2px.
  const characters = (column - prompt - gap - 2 * padding - 0.125) / (font * 0.61);
  expect(characters).toBeGreaterThanOrEqual(120);
  expect(column * 16 + 32).toBeLessThanOrEqual(1280 - 20);
  expect(rem(/\.markdown>[^{]*\{max-width:([\d.]+)rem/)).toBeLessThan(column);
});
