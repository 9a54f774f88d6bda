// The only module that reaches into tslab's internals. tslab's public `display.raw()` sends one
// MIME type per output, but a chart must be ONE output carrying several representations, so
// each front end (JupyterLab, classic Notebook, GitHub, the HTML pages) picks the one it can
// draw. tslab keeps the function that writes a whole display_data message in
// `tslab/dist/jupyter`'s `lastWriteDisplayData`; tslab is pinned to an exact version in
// package.json because of this file, and test/runtime/display.test.ts checks the hook is there.

/** Representations of one output, keyed by MIME type (JSON types carry objects). */
export type MimeBundle = Record<string, string | object>;

type WriteDisplayData = (content: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;

interface TslabJupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
}

export const TSLAB_JUPYTER_MODULE = "tslab/dist/jupyter";

/**
 * The kernel's display writer while a tslab cell runs, else null. Looked up in the module cache
 * only: outside a kernel, loading tslab would pull in its TypeScript compiler for nothing.
 */
function kernelWriter(): WriteDisplayData | null {
  let path: string;
  try {
    path = require.resolve(TSLAB_JUPYTER_MODULE);
  } catch {
    return null;
  }
  const loaded = require.cache[path]?.exports as TslabJupyterModule | undefined;
  return loaded?.lastWriteDisplayData ?? null;
}

/** True inside a tslab kernel, where `displayBundle` reaches the notebook. */
export function inKernel(): boolean {
  return kernelWriter() !== null;
}

/**
 * Shows one output with all its representations. Outside a kernel (a script, a test) the
 * `text/plain` part goes to stdout, so the same lesson code still tells its result.
 * With a `displayId`, the output can later be replaced in place by `updateDisplay`.
 */
export function displayBundle(bundle: MimeBundle, displayId?: string): void {
  const write = kernelWriter();
  if (write) {
    write({ data: bundle, metadata: {}, transient: displayId === undefined ? {} : { display_id: displayId } }, false);
    return;
  }
  const text = bundle["text/plain"];
  if (typeof text === "string") console.log(text);
}

/**
 * Replaces, in place, every output shown with `displayBundle(bundle, displayId)` (Jupyter's
 * update_display_data). Returns false outside a kernel, where there is nothing to update and
 * nothing is printed: a caller that wants its final state seen there shows it with `displayBundle`.
 */
export function updateDisplay(displayId: string, bundle: MimeBundle): boolean {
  const write = kernelWriter();
  if (!write) return false;
  write({ data: bundle, metadata: {}, transient: { display_id: displayId } }, true);
  return true;
}
