// Runs a few lines of lesson code in a separate Node.js process, so a lesson can show a pitfall
// that crashes a process (an unhandled 'error' event) without crashing the notebook's kernel.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export interface ChildRun {
  /** The process's exit code: 0 when it ended normally. */
  exitCode: number | null;
  /** What it printed (stdout and stderr), stack frames left out. */
  output: string[];
  /** In words: "exited normally" or "crashed (exit code 1)", then the output. */
  report: string;
}

/**
 * Runs `body` as the inside of an async function in a fresh `node` process, with `lab` bound to
 * this library (`lab.connect()`, ...). The child sees the same AMQP_URL, so it talks to the same
 * kind of broker (in memory mode: an in-memory broker of its own).
 */
export function runInChildProcess(body: string, options: { timeoutMs?: number } = {}): Promise<ChildRun> {
  // From dist/lessons the library is dist/index.js; from src/lessons (tests) the built one too.
  const library = [join(__dirname, "..", "index.js"), join(__dirname, "..", "..", "dist", "index.js")].find((p) => existsSync(p))!;
  const program = `const lab = require(${JSON.stringify(library)});\n(async () => {\n${body}\n})();`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", program], { env: process.env, timeout: options.timeoutMs ?? 15_000 });
    let text = "";
    child.stdout.on("data", (d: Buffer) => (text += d.toString()));
    child.stderr.on("data", (d: Buffer) => (text += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const output = text
        .split("\n")
        .filter((line) => line.trim() !== "" && !/^\s+at /.test(line) && !line.includes("[... lines matching") && !line.startsWith("Node.js v") && !/^\s*\^\s*$/.test(line));
      const how = code === 0 ? "exited normally (exit code 0)" : `crashed (exit code ${code})`;
      resolve({ exitCode: code, output, report: [`The child process ${how}. It printed:`, ...output.map((l) => `  ${l}`)].join("\n") });
    });
  });
}
