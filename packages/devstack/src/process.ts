/**
 * Starting, awaiting and stopping processes: the one set of helpers devstack's services, the
 * tools (`pnpm dev`, preflight, bench, bootstrap, the image assembly) and the tests use.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, readFileSync } from "node:fs";
import type { Readable, Writable } from "node:stream";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ── processes this one owns: SIGKILLed when it exits, so a crash never leaves a server behind ──

const owned = new Map<ChildProcess, { group: boolean }>();
let exitHookInstalled = false;

function own(child: ChildProcess, group: boolean): void {
  owned.set(child, { group });
  child.once("exit", () => owned.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const [c, { group }] of owned) {
      if (group && c.pid) killGroup(c.pid);
      else c.kill("SIGKILL");
    }
  });
}

// ── long-running processes ──────────────────────────────────────────────────────────────────

export interface StartProcessOptions {
  cwd?: string | undefined;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv | undefined;
  /** Echo every line it prints to this process's stdout / stderr behind this prefix. */
  prefix?: string | undefined;
  /** Also write everything it prints to this file (replaced). */
  logFile?: string | undefined;
  /** Keep only the last this-many characters for `output()` (default: everything). */
  outputCap?: number | undefined;
  /**
   * A process group of its own: a terminal's Ctrl-C reaches only the caller, which decides the
   * order things stop in; the SIGKILL on exit and after a stop's grace takes the whole group.
   */
  group?: boolean | undefined;
}

export interface RunningProcess {
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  /** Everything written to stdout and stderr so far (the last `outputCap` characters). */
  output(): string;
  /** True until the process has exited. */
  running(): boolean;
  /**
   * Resolves once the output matches `pattern`; rejects after `timeoutMs` (default 30 s;
   * `Infinity` waits as long as it takes) or when the process exits first.
   */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The exit code once the process has ended: null after a signal, 127 when it never started. */
  exited: Promise<number | null>;
  /** Sends `signal` (default SIGTERM), then SIGKILL once `graceMs` (if given) has passed. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

/** How long `exited` waits for the pipes after the exit: a grandchild may keep them open. */
const PIPES_GRACE_MS = 1_000;

/** Starts a long-running process (a service, an api or worker run mode, `tsx watch`). */
export function startProcess(
  command: string,
  args: string[],
  options: StartProcessOptions = {},
): RunningProcess {
  const group = options.group ?? false;
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: group,
  });
  own(child, group);
  const file = options.logFile ? createWriteStream(options.logFile) : undefined;
  let output = "";
  const listeners = new Set<() => void>();
  const append = (text: string) => {
    output += text;
    if (options.outputCap !== undefined && output.length > options.outputCap)
      output = output.slice(-options.outputCap);
    file?.write(text);
    for (const listener of listeners) listener();
  };
  const capture = (from: Readable | null, to: Writable) => {
    if (!from) return;
    from.setEncoding("utf8");
    let partial = "";
    from.on("data", (text: string) => {
      if (options.prefix !== undefined) {
        const lines = (partial + text).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) to.write(`${options.prefix}${line}\n`);
      }
      append(text);
    });
    from.on("end", () => {
      if (partial) to.write(`${options.prefix}${partial}\n`);
    });
  };
  capture(child.stdout, process.stdout);
  capture(child.stderr, process.stderr);

  let settle: (code: number | null) => void = () => {};
  const exited = new Promise<number | null>((resolve) => {
    let settled = false;
    settle = (code) => {
      if (settled) return;
      settled = true;
      file?.end();
      resolve(code);
    };
  });
  child.once("error", (err) => {
    if (child.pid !== undefined) return;
    append(`${command} could not start: ${err.message}\n`);
    settle(127);
  });
  child.once("close", (code) => settle(code));
  child.once("exit", (code) => setTimeout(() => settle(code), PIPES_GRACE_MS).unref());

  const running = () => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  return {
    child,
    pid: child.pid,
    output: () => output,
    running,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return;
          cleanup();
          resolve();
        };
        const timer = Number.isFinite(timeoutMs)
          ? setTimeout(() => {
              cleanup();
              reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`));
            }, timeoutMs)
          : undefined;
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then((code) => {
          if (!listeners.has(check)) return;
          cleanup();
          reject(new Error(`process exited with ${code} before ${pattern}; output:\n${output}`));
        });
        check();
      }),
    stop: async (signal = "SIGTERM", graceMs) => {
      if (!running()) return exited;
      child.kill(signal);
      if (graceMs === undefined) return exited;
      const force = setTimeout(() => {
        if (group && child.pid) killGroup(child.pid);
        else child.kill("SIGKILL");
      }, graceMs);
      const code = await exited;
      clearTimeout(force);
      return code;
    },
  };
}

// ── commands run to completion ────────────────────────────────────────────────────────────

export interface RunOptions {
  cwd?: string | undefined;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv | undefined;
  /** SIGKILL after this long (`Infinity`: no limit). */
  timeoutMs?: number | undefined;
  /**
   * "pipe" captures the output (default); "inherit" streams it to this process's stdout and
   * stderr; "stderr" streams both to stderr, so this process's stdout stays machine-readable.
   */
  stdio?: "pipe" | "inherit" | "stderr" | undefined;
  /** Each chunk of stdout and stderr as it arrives (with "pipe"), for progress. */
  onOutput?: ((chunk: string) => void) | undefined;
}

export interface ProcessResult {
  /** Null when a signal ended it (the timeout's SIGKILL among them). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
}

function execute(
  command: string,
  args: string[],
  options: RunOptions,
  defaultTimeoutMs: number,
): Promise<ProcessResult & { signal: NodeJS.Signals | null }> {
  const stdio = options.stdio ?? "pipe";
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: [
        "ignore",
        stdio === "pipe" ? "pipe" : stdio === "stderr" ? 2 : "inherit",
        stdio === "pipe" ? "pipe" : "inherit",
      ],
    });
    const result = { stdout: "", stderr: "", output: "" };
    child.stdout?.on("data", (d) => {
      result.stdout += d;
      result.output += d;
      options.onOutput?.(String(d));
    });
    child.stderr?.on("data", (d) => {
      result.stderr += d;
      result.output += d;
      options.onOutput?.(String(d));
    });
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const timer = Number.isFinite(timeoutMs) ? setTimeout(() => child.kill("SIGKILL"), timeoutMs) : undefined;
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ...result });
    });
  });
}

/** Runs a command to completion and resolves with its exit code and output; never rejects on a non-zero exit. */
export async function runToExit(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  const { signal: _, ...result } = await execute(command, args, options, 60_000);
  return result;
}

/** Runs a command to completion; rejects with the tail of its output unless it exits 0. */
export async function run(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  const result = await execute(command, args, options, Number.POSITIVE_INFINITY);
  if (result.code === 0) return { stdout: result.stdout, stderr: result.stderr };
  const tail = result.output.trim().split("\n").slice(-40).join("\n");
  const where = options.cwd ? ` in ${options.cwd}` : "";
  throw new Error(
    `${command} ${args.join(" ")} exited with ${result.code ?? result.signal}${where}:\n${tail}`,
  );
}

/** True when `command` resolves on PATH. */
export async function hasCommand(command: string): Promise<boolean> {
  try {
    await run("sh", ["-c", `command -v ${command}`], { timeoutMs: 5_000 });
    return true;
  } catch {
    return false;
  }
}

// ── readiness ─────────────────────────────────────────────────────────────────────────────

export interface WaitForUrlOptions {
  /** Whether an answer means ready (default: any 2xx). It gets a clone: reading the body is fine. */
  ready?: (res: Response) => boolean | Promise<boolean>;
  /** Give up after this long (default: wait as long as it takes). */
  timeoutMs?: number;
  /** Give up as soon as this process has exited. */
  process?: RunningProcess;
  /** Called once `afterMs` has passed without readiness (and again every `afterMs` with `repeat`). */
  slow?: { afterMs: number; repeat?: boolean; notify(): void };
  intervalMs?: number;
  /** Per request (default 2 s). */
  requestTimeoutMs?: number;
}

/** Polls `url` until an answer means ready; rejects on timeout or when `process` exits first. */
export async function waitForUrl(url: string, options: WaitForUrlOptions = {}): Promise<void> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? Number.POSITIVE_INFINITY);
  let nextNotice = options.slow ? started + options.slow.afterMs : Number.POSITIVE_INFINITY;
  let last = "no answer yet";
  while (true) {
    const proc = options.process;
    if (proc && !proc.running()) {
      throw new Error(
        `exited with ${proc.child.exitCode ?? proc.child.signalCode} before ${url} was ready (last: ${last})`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(options.requestTimeoutMs ?? 2_000) });
      if (options.ready ? await options.ready(res.clone()) : res.ok) return;
      last = `${res.status} ${(await res.text()).slice(0, 500)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    const now = Date.now();
    if (now > deadline) {
      throw new Error(`${url} was not ready within ${(options.timeoutMs ?? 0) / 1000}s (last: ${last})`);
    }
    if (options.slow && now >= nextNotice) {
      options.slow.notify();
      nextNotice = options.slow.repeat ? now + options.slow.afterMs : Number.POSITIVE_INFINITY;
    }
    await sleep(options.intervalMs ?? 200);
  }
}

// ── processes by pid ─────────────────────────────────────────────────────────────────────

/** True while `pid` exists (also when it belongs to another user: EPERM). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Resolves true once `pid` is gone, false when it still runs after `timeoutMs`. */
export async function waitForPidExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * Sends `signal` (default SIGTERM) to `pid`, then SIGKILL when it still runs after `graceMs`.
 * Resolves true when it stopped within the grace, false when it had to be killed.
 */
export async function stopPid(
  pid: number,
  options: { signal?: NodeJS.Signals; graceMs: number },
): Promise<boolean> {
  try {
    process.kill(pid, options.signal ?? "SIGTERM");
  } catch {
    return true;
  }
  if (await waitForPidExit(pid, options.graceMs)) return true;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone meanwhile
  }
  return false;
}

/** `signal` (default SIGKILL) to the whole process group `pid` leads. */
export function killGroup(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Parent pid of every process, read from /proc (Linux); empty elsewhere. */
function parentPids(): Map<number, number> {
  const parents = new Map<number, number>();
  if (!existsSync("/proc/self/stat")) return parents;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses; the fields after the last ")" do not.
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited while we looked
    }
  }
  return parents;
}

/** Direct children of `pid` (Linux /proc; empty elsewhere). */
export function childPids(pid: number): number[] {
  return [...parentPids()].filter(([, ppid]) => ppid === pid).map(([child]) => child);
}

/** Every process below `pid`, children before their own children (Linux /proc; empty elsewhere). */
export function descendantPids(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const [child, ppid] of parentPids()) byParent.set(ppid, [...(byParent.get(ppid) ?? []), child]);
  const found: number[] = [];
  const walk = (p: number) => {
    for (const child of byParent.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}
