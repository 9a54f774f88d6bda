// End to end as a learner sees it: Debian's classic Jupyter Notebook, started the way
// `npm run lab` starts it, with the project's kernel spec, in headless Chromium. Run All on
// 00-setup must draw the chart's SVG and show no error.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, expect, test } from "vitest";
import { writeKernelSpec } from "../../src/runner/kernel-spec";
import { findJupyter, jupyterEnv } from "../../src/runner/lab";
import { NOTEBOOKS, OUT } from "../../src/runner/paths";

const CHROMIUM = "/usr/bin/chromium";
// The page selectors below are the classic Notebook's (Debian's jupyter-notebook, what CI installs).
const notebookServer = findJupyter(process.env.PATH, ["jupyter-notebook"]);
const ready = existsSync(CHROMIUM) && notebookServer !== undefined;

// Run All in a browser autosaves outputs into the notebook: work on a copy. out/ sits one
// folder below the repository root, like notebooks/, so the lesson's `../dist` import resolves.
const COPY = "browser-check-00-setup.ipynb";
let server: ChildProcess | undefined;

afterAll(() => {
  server?.kill("SIGTERM");
  rmSync(join(OUT, COPY), { force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Jupyter did not answer at ${url}`);
}

// A learner's machine may lack Chromium or Jupyter; CI installs both (.ci/run), so there the
// check can never be skipped.
test.skipIf(!ready && !process.env.CI)("00-setup runs in Jupyter Notebook in Chromium and draws its chart", { timeout: 180_000 }, async () => {
  if (!ready) throw new Error(`the browser check needs ${CHROMIUM} and jupyter-notebook: .ci/run installs them from Debian`);
  mkdirSync(OUT, { recursive: true });
  copyFileSync(join(NOTEBOOKS, "00-setup.ipynb"), join(OUT, COPY));
  writeKernelSpec();
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const log: string[] = [];
  server = spawn(
    notebookServer!,
    ["--no-browser", "--allow-root", `--port=${port}`, "--ip=127.0.0.1", `--NotebookApp.token=${token}`, `--notebook-dir=${OUT}`],
    { env: jupyterEnv(), stdio: ["ignore", "pipe", "pipe"] },
  );
  server.stdout?.on("data", (d: Buffer) => log.push(d.toString()));
  server.stderr?.on("data", (d: Buffer) => log.push(d.toString()));
  await waitForServer(`http://127.0.0.1:${port}/api?token=${token}`, Date.now() + 30_000);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/notebooks/${COPY}?token=${token}`);
    await page.waitForFunction(() => {
      const kernel = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean; name: string } } } }).Jupyter?.notebook?.kernel;
      return kernel?.is_connected() === true && kernel.name === "tslab";
    }, undefined, { timeout: 60_000 });
    // The menu a learner uses: Cell ▸ Run All.
    await page.click("#celllink");
    await page.click("#run_all_cells");
    // Queued cells show [*]; when a cell fails the notebook drops the rest back to [ ].
    await page.waitForFunction(() => {
      const prompts = Array.from(document.querySelectorAll(".code_cell .input_prompt"), (p) => p.textContent ?? "");
      return prompts.some((p) => /\[\d+\]/.test(p)) && !prompts.some((p) => p.includes("*"));
    }, undefined, { timeout: 120_000, polling: 500 });
    const prompts = await page.locator(".code_cell .input_prompt").allTextContents();
    const errors = await page.locator(".output_stderr, .output_error").allTextContents();
    if (!prompts.every((p) => /\[\d+\]/.test(p)) || errors.length > 0) {
      await page.screenshot({ path: join(OUT, "browser-check-failed.png") });
      throw new Error(`not every cell ran cleanly (prompts: ${prompts.join(" ")}); see out/browser-check-failed.png\n${errors.join("\n")}\n${log.join("")}`);
    }

    const chart = page.locator(".output_svg svg", { hasText: "Publish-to-delivery time" });
    await expect.poll(() => chart.count()).toBe(1);
    expect(await chart.locator("path").count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator(".output_svg svg", { hasText: "Broker topology" }).count()).toBe(1);
    expect(pageErrors).toEqual([]);
    // For a person to look at: the chart as the learner sees it.
    await chart.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUT, "browser-check.png") });
  } finally {
    await browser.close();
  }
});
