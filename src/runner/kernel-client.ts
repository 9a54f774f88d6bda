// A Jupyter client in Node: starts the project's tslab kernel and speaks the Jupyter messaging
// protocol to it over zeromq (shell and control DEALER, iopub SUB, HMAC-SHA256 signatures), so
// lessons run headless without Python or a Jupyter installation.
// https://jupyter-client.readthedocs.io/en/stable/messaging.html
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";
import type { Output } from "./notebook";
import { TSLAB_BIN } from "./paths";

const DELIM = Buffer.from("<IDS|MSG>");

interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

interface Message {
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

export interface KernelOptions {
  /** The kernel's working directory: the notebook's folder, as Jupyter does it. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** How long the kernel may take to answer its first kernel_info_request. */
  startTimeoutMs?: number;
}

export interface Execution {
  /** "ok"; "error" when the cell failed; "timeout" when it ran longer than allowed and was interrupted. */
  status: "ok" | "error" | "abort" | "timeout";
  executionCount: number | null;
  outputs: Output[];
}

interface Pending {
  outputs: Output[];
  displays: Map<string, number[]>;
  reply?: Message;
  idle: boolean;
  done: () => void;
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<import("node:net").Server>((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve(server));
      }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export class KernelClient {
  private readonly session = randomUUID();
  private readonly pending = new Map<string, Pending>();
  private readonly kernelLog: string[] = [];
  private exited: string | null = null;
  private closed = false;
  private readonly exit: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly key: string,
    private readonly connectionFile: string,
    private readonly shell: zmq.Dealer,
    private readonly control: zmq.Dealer,
    private readonly iopub: zmq.Subscriber,
  ) {
    this.exit = new Promise((resolve) => child.once("exit", () => resolve()));
  }

  /** Starts a tslab kernel and resolves once it answers on shell and publishes on iopub. */
  static async start(options: KernelOptions): Promise<KernelClient> {
    const [shell_port, iopub_port, stdin_port, control_port, hb_port] = await freePorts(5);
    const key = randomBytes(32).toString("hex");
    const connectionFile = join(tmpdir(), `rabbitmq-lab-kernel-${randomUUID()}.json`);
    const connection = { transport: "tcp", ip: "127.0.0.1", shell_port, iopub_port, stdin_port, control_port, hb_port, key, signature_scheme: "hmac-sha256", kernel_name: "tslab" };
    writeFileSync(connectionFile, JSON.stringify(connection), { mode: 0o600 });
    const child = spawn(process.execPath, [TSLAB_BIN, "kernel", "--config-path", connectionFile], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const shell = new zmq.Dealer();
    const control = new zmq.Dealer();
    const iopub = new zmq.Subscriber();
    // A closing kernel must not leave us waiting on a send that can never go out.
    for (const socket of [shell, control]) socket.linger = 0;
    iopub.linger = 0;
    shell.connect(`tcp://127.0.0.1:${shell_port}`);
    control.connect(`tcp://127.0.0.1:${control_port}`);
    iopub.connect(`tcp://127.0.0.1:${iopub_port}`);
    iopub.subscribe();
    const client = new KernelClient(child, key, connectionFile, shell, control, iopub);
    client.watch();
    await client.waitUntilReady(options.startTimeoutMs ?? 30_000);
    return client;
  }

  private watch(): void {
    const log = (chunk: Buffer) => {
      this.kernelLog.push(chunk.toString());
      if (this.kernelLog.length > 200) this.kernelLog.shift();
    };
    this.child.stdout?.on("data", log);
    this.child.stderr?.on("data", log);
    this.child.on("exit", (code, signal) => {
      this.exited = `the kernel exited (${signal ?? `code ${code}`})`;
      for (const p of this.pending.values()) p.done();
    });
    void this.receive(this.shell, (m) => this.onShell(m));
    void this.receive(this.iopub, (m) => this.onIopub(m));
    void this.receive(this.control, () => {});
  }

  private async receive(socket: zmq.Dealer | zmq.Subscriber, handle: (m: Message) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.decode(frames);
        if (message) handle(message);
      }
    } catch (err) {
      if (!this.closed) this.kernelLog.push(`socket error: ${(err as Error).message}\n`);
    }
  }

  private sign(parts: readonly (string | Buffer)[]): string {
    const hmac = createHmac("sha256", this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }

  private decode(frames: Buffer[]): Message | null {
    const at = frames.findIndex((f) => f.equals(DELIM));
    if (at < 0 || frames.length < at + 6) return null;
    const [signature, ...parts] = frames.slice(at + 1, at + 6);
    // Unsigned or forged messages are dropped, as Jupyter's own clients do.
    if (signature!.toString() !== this.sign(parts)) return null;
    const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p.toString()) as Record<string, unknown>);
    return { header: header as unknown as Header, parent_header: parent as Partial<Header>, metadata: metadata!, content: content! };
  }

  private async send(socket: zmq.Dealer, msgType: string, content: Record<string, unknown>): Promise<string> {
    const header: Header = { msg_id: randomUUID(), msg_type: msgType, session: this.session, username: "rabbitmq-lab", date: new Date().toISOString(), version: "5.3" };
    const parts = [header, {}, {}, content].map((p) => JSON.stringify(p));
    await socket.send([DELIM, this.sign(parts), ...parts]);
    return header.msg_id;
  }

  /**
   * A SUB socket misses what is published before its subscription reaches the kernel, so
   * readiness means: a kernel_info_reply on shell AND its status message seen on iopub.
   */
  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`${this.exited} before it was ready:\n${this.log()}`);
      const id = await this.send(this.shell, "kernel_info_request", {});
      const p = this.track(id);
      await Promise.race([p.finished, delay(1000)]);
      this.pending.delete(id);
      if (p.state.reply && p.state.idle) return;
    }
    await this.shutdown();
    throw new Error(`the tslab kernel did not answer within ${timeoutMs} ms:\n${this.log()}`);
  }

  private track(id: string): { state: Pending; finished: Promise<void> } {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const state: Pending = { outputs: [], displays: new Map(), idle: false, done };
    this.pending.set(id, state);
    return { state, finished };
  }

  private onShell(message: Message): void {
    const p = this.pending.get(message.parent_header.msg_id ?? "");
    if (!p) return;
    p.reply = message;
    if (p.idle) p.done();
  }

  private onIopub(message: Message): void {
    const p = this.pending.get(message.parent_header.msg_id ?? "");
    if (!p) return;
    const c = message.content;
    switch (message.header.msg_type) {
      case "status":
        if (c.execution_state === "idle") {
          p.idle = true;
          if (p.reply) p.done();
        }
        break;
      case "stream": {
        const last = p.outputs.at(-1);
        // Jupyter front ends show consecutive writes to one stream as one block.
        if (last?.output_type === "stream" && last.name === c.name) last.text = `${last.text as string}${c.text as string}`;
        else p.outputs.push({ output_type: "stream", name: c.name as "stdout" | "stderr", text: c.text as string });
        break;
      }
      case "display_data": {
        const id = (c.transient as { display_id?: string } | undefined)?.display_id;
        if (id) p.displays.set(id, [...(p.displays.get(id) ?? []), p.outputs.length]);
        p.outputs.push({ output_type: "display_data", data: c.data as Record<string, unknown>, metadata: (c.metadata ?? {}) as Record<string, unknown> });
        break;
      }
      case "update_display_data": {
        const id = (c.transient as { display_id?: string } | undefined)?.display_id;
        for (const index of p.displays.get(id ?? "") ?? []) {
          p.outputs[index] = { output_type: "display_data", data: c.data as Record<string, unknown>, metadata: (c.metadata ?? {}) as Record<string, unknown> };
        }
        break;
      }
      case "execute_result":
        p.outputs.push({ output_type: "execute_result", execution_count: c.execution_count as number, data: c.data as Record<string, unknown>, metadata: (c.metadata ?? {}) as Record<string, unknown> });
        break;
      case "error":
        p.outputs.push({ output_type: "error", ename: c.ename as string, evalue: c.evalue as string, traceback: c.traceback as string[] });
        break;
      case "clear_output":
        p.outputs.length = 0;
        p.displays.clear();
        break;
    }
  }

  /** Runs one cell and collects what it printed and displayed, in nbformat's output shape. */
  async execute(code: string, timeoutMs = 120_000): Promise<Execution> {
    if (this.exited) throw new Error(this.exited);
    const id = await this.send(this.shell, "execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    const { state, finished } = this.track(id);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // tslab's interrupt_mode is "signal": SIGINT makes it abandon the running cell.
      this.child.kill("SIGINT");
      setTimeout(state.done, 5000).unref();
    }, timeoutMs);
    try {
      await finished;
    } finally {
      clearTimeout(timer);
      this.pending.delete(id);
    }
    if (this.exited && !state.reply) {
      state.outputs.push({ output_type: "stream", name: "stderr", text: `${this.exited} while running this cell:\n${this.log()}` });
      return { status: "error", executionCount: null, outputs: state.outputs };
    }
    if (timedOut) {
      state.outputs.push({ output_type: "stream", name: "stderr", text: `The cell ran longer than ${timeoutMs / 1000} s and was interrupted.\n` });
      return { status: "timeout", executionCount: (state.reply?.content.execution_count as number | undefined) ?? null, outputs: state.outputs };
    }
    const content = state.reply!.content;
    return { status: content.status as Execution["status"], executionCount: (content.execution_count as number | undefined) ?? null, outputs: state.outputs };
  }

  /** The kernel's own output outside cells: what to show when it dies. */
  log(): string {
    return this.kernelLog.join("").split("\n").slice(-40).join("\n");
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    if (!this.exited) {
      await this.send(this.control, "shutdown_request", { restart: false }).catch(() => {});
      // tslab closes its sockets on shutdown but stays alive while a lesson left a connection open.
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 1500);
      await this.exit;
      clearTimeout(timer);
    }
    this.closed = true;
    this.shell.close();
    this.control.close();
    this.iopub.close();
    rmSync(this.connectionFile, { force: true });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
