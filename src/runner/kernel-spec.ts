// The project's own Jupyter kernel spec, written without Python: `tslab install` needs Python's
// jupyter_client only to copy a kernel.json into place. The spec goes into .jupyter-local/,
// which `npm run lab` puts on JUPYTER_PATH; the user's Jupyter folders are left alone unless
// they ask with `npm run kernel -- --user`.
import { mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative, sep } from "node:path";
import { JUPYTER_LOCAL, TSLAB_BIN } from "./paths";

/** The name notebooks ask for in metadata.kernelspec.name; tslab's own name, so a tslab installed elsewhere also opens them. */
export const KERNEL_NAME = "tslab";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal";
}

/**
 * A spec that starts this project's tslab with this Node. Inside the project the path to tslab
 * is relative to `{resource_dir}` (Jupyter fills in the spec's folder), so it survives a moved
 * checkout; a spec written elsewhere needs the absolute path.
 */
export function kernelSpec(kernelDir?: string): KernelSpec {
  // Concatenated, not joined: path.join would fold "{resource_dir}/.." away.
  const tslab = kernelDir ? `{resource_dir}/${relative(kernelDir, TSLAB_BIN).split(sep).join("/")}` : TSLAB_BIN;
  return {
    argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (RabbitMQ lab)",
    language: "typescript",
    interrupt_mode: "signal",
  };
}

/** Where Jupyter looks for user-level kernel specs on this platform (JUPYTER_DATA_DIR first). */
export function userKernelsDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return join(process.env.JUPYTER_DATA_DIR, "kernels");
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter", "kernels");
  if (process.platform === "win32") return join(process.env.APPDATA ?? homedir(), "jupyter", "kernels");
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "jupyter", "kernels");
}

/** Writes kernel.json for the project into `dataDir`/kernels (default: .jupyter-local) and returns its path. */
export function writeKernelSpec(dataDir: string = JUPYTER_LOCAL): string {
  const dir = join(dataDir, "kernels", KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "kernel.json");
  writeFileSync(file, `${JSON.stringify(kernelSpec(dir), null, 2)}\n`);
  return file;
}

/** Writes the spec into the user's own Jupyter kernels folder, with absolute paths. */
export function writeUserKernelSpec(kernelsDir: string = userKernelsDir()): string {
  const dir = join(kernelsDir, KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "kernel.json");
  writeFileSync(file, `${JSON.stringify(kernelSpec(), null, 2)}\n`);
  return file;
}

if (require.main === module) {
  const user = process.argv.includes("--user");
  const file = user ? writeUserKernelSpec() : writeKernelSpec();
  console.log(`wrote ${file}`);
  if (!user) console.log("npm run lab uses it; to see it in a Jupyter you start yourself: npm run kernel -- --user");
}
