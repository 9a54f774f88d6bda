// npm run lab [-- jupyter options]: JupyterLab (or the classic Notebook when Lab is absent) on
// notebooks/, with the project's kernel spec found through JUPYTER_PATH.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { writeKernelSpec } from "./kernel-spec";
import { JUPYTER_LOCAL, NOTEBOOKS, ROOT } from "./paths";

/** The first Jupyter front end on PATH: Lab first, then the classic Notebook. */
export function findJupyter(path: string = process.env.PATH ?? "", frontEnds: readonly string[] = ["jupyter-lab", "jupyter-notebook"]): string | undefined {
  for (const frontEnd of frontEnds) {
    const name = process.platform === "win32" ? `${frontEnd}.exe` : frontEnd;
    for (const dir of path.split(delimiter).filter(Boolean)) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not in this folder
      }
    }
  }
  return undefined;
}

export const INSTALL_HINT = `Jupyter is not installed (neither jupyter-lab nor jupyter-notebook is on PATH).
Install one of them, then run \`npm run lab\` again:
  JupyterLab:       pipx install jupyterlab     (or: python3 -m pip install --user jupyterlab)
  classic Notebook: sudo apt-get install jupyter-notebook     (Debian, Ubuntu)
No Python needed for the kernel itself: npm run lab registers it.
Without Jupyter, run the lessons in the terminal: npm start  (pages with charts land in out/).`;

/** The environment Jupyter runs in: the project's kernel spec first on JUPYTER_PATH, runtime files kept in the project. */
export function jupyterEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    JUPYTER_PATH: [JUPYTER_LOCAL, env.JUPYTER_PATH].filter(Boolean).join(delimiter),
    JUPYTER_RUNTIME_DIR: env.JUPYTER_RUNTIME_DIR ?? join(JUPYTER_LOCAL, "runtime"),
  };
}

function main(): void {
  const jupyter = findJupyter();
  if (!jupyter) {
    console.error(INSTALL_HINT);
    process.exitCode = 1;
    return;
  }
  const spec = writeKernelSpec();
  console.log(`kernel spec: ${spec}\nstarting ${jupyter} on ${NOTEBOOKS}`);
  // Jupyter refuses to run as root without a flag; in a container root is the only user there is.
  const asRoot = process.getuid?.() === 0 ? ["--allow-root"] : [];
  const child = spawn(jupyter, [`--notebook-dir=${NOTEBOOKS}`, ...asRoot, ...process.argv.slice(2)], { cwd: ROOT, env: jupyterEnv(), stdio: "inherit" });
  // Ctrl-C reaches Jupyter through the terminal's process group; Jupyter then asks to confirm.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

if (require.main === module) main();
