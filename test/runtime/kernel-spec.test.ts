import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { KERNEL_NAME, kernelSpec, writeKernelSpec, writeUserKernelSpec } from "../../src/runner/kernel-spec";
import { INSTALL_HINT, findJupyter, jupyterEnv } from "../../src/runner/lab";
import { JUPYTER_LOCAL, TSLAB_BIN } from "../../src/runner/paths";

test("the project-local spec starts the project's tslab through {resource_dir}, with this Node", () => {
  const dir = mkdtempSync(join(tmpdir(), "jupyter-data-"));
  const file = writeKernelSpec(dir);
  expect(file).toBe(join(dir, "kernels", KERNEL_NAME, "kernel.json"));
  const spec = JSON.parse(readFileSync(file, "utf8")) as ReturnType<typeof kernelSpec>;
  expect(spec.argv[0]).toBe(process.execPath);
  expect(spec.argv[1]).toMatch(/^\{resource_dir\}\/(\.\.\/)+/);
  expect(join(dir, "kernels", KERNEL_NAME, spec.argv[1]!.replace("{resource_dir}/", ""))).toBe(TSLAB_BIN);
  expect(spec.argv.slice(2)).toEqual(["kernel", "--config-path", "{connection_file}"]);
  expect(existsSync(TSLAB_BIN)).toBe(true);
});

test("a spec for the user's own Jupyter uses absolute paths, and only where asked", () => {
  const dir = mkdtempSync(join(tmpdir(), "kernels-"));
  const spec = JSON.parse(readFileSync(writeUserKernelSpec(dir), "utf8")) as ReturnType<typeof kernelSpec>;
  expect(spec.argv[1]).toBe(TSLAB_BIN);
});

test("Jupyter finds the project's spec first and keeps its runtime files in the project", () => {
  const env = jupyterEnv({ JUPYTER_PATH: "/elsewhere" });
  expect(env.JUPYTER_PATH!.split(":")).toEqual([JUPYTER_LOCAL, "/elsewhere"]);
  expect(env.JUPYTER_RUNTIME_DIR).toBe(join(JUPYTER_LOCAL, "runtime"));
});

test("without Jupyter on PATH the launcher knows there is none, and the hint says how to get it", () => {
  expect(findJupyter(mkdtempSync(join(tmpdir(), "empty-path-")))).toBeUndefined();
  expect(INSTALL_HINT).toContain("pipx install jupyterlab");
  expect(INSTALL_HINT).toContain("npm start");
});
