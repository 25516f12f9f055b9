import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { alive } from "./state.js";

/** An api or worker entry under `tsx watch`: restarted on every change of a file it imports. */
export interface WatchedChild {
  name: string;
  process: ChildProcess;
  /** Everything it printed so far (capped), for readiness checks. */
  output(): string;
  /** Resolves once its output matches `pattern`. */
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<number | null>;
  /**
   * Stops the entry, then `tsx watch`: the entry gets the signal itself and `graceMs` to finish
   * (tsx would SIGKILL it after 5 s), then SIGKILL. Where /proc is missing, tsx relays the signal.
   */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

const OUTPUT_CAP = 64_000;

/** Direct children of `pid`, read from /proc (Linux); empty elsewhere. */
export function childPids(pid: number): number[] {
  if (!existsSync("/proc/self/stat")) return [];
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses; the fields after the last ")" do not.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGKILL to a whole process group (tsx watch, its entry, their helpers). */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

export function spawnWatched(input: {
  name: string;
  entry: string;
  root: string;
  env: NodeJS.ProcessEnv;
}): WatchedChild {
  const tsxCli = createRequire(join(input.root, "package.json")).resolve("tsx/cli");
  // Straight through node, no shell or bin shim in between, so signals reach tsx itself; in a
  // process group of its own, so only the caller signals it (tsx escalates a second signal).
  const child = spawn(process.execPath, [tsxCli, "watch", "--clear-screen=false", input.entry], {
    cwd: input.root,
    env: input.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const listeners = new Set<() => void>();
  const prefix = `${input.name.padEnd(6)} │ `;
  const pipe = (from: Readable | null, to: Writable) => {
    let partial = "";
    from?.on("data", (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const lines = text.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) to.write(`${prefix}${line}\n`);
      output = (output + chunk.toString()).slice(-OUTPUT_CAP);
      for (const listener of listeners) listener();
    });
    from?.on("end", () => {
      if (partial) to.write(`${prefix}${partial}\n`);
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  // "exit", not "close": a grandchild that outlives its parent may hold the pipes open.
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    name: input.name,
    process: child,
    output: () => output,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve) => {
        const check = () => {
          if (!pattern.test(output)) return;
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        check();
      }),
    stop: async (signal, graceMs) => {
      const running = () => child.exitCode === null && child.signalCode === null;
      if (!running() || !child.pid) return;
      let killed = false;
      for (const entry of childPids(child.pid)) {
        try {
          process.kill(entry, signal);
        } catch {
          continue;
        }
        if (await waitGone(entry, graceMs)) continue;
        process.stderr.write(`${prefix}did not stop within ${graceMs / 1000}s; killing it\n`);
        killed = true;
      }
      // An entry that exited is reaped by tsx, which then exits on the signal at once. One that
      // has to be killed takes tsx along: tsx waits forever for an entry a signal ended.
      if (killed) killGroup(child.pid);
      else if (running()) child.kill(signal);
      const stopped = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!stopped) killGroup(child.pid);
      await exited;
    },
  };
}
