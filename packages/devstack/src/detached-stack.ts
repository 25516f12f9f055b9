import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { findWorkspaceRoot } from "./paths.js";
import type { StackEnv, StartStackOptions } from "./stack.js";

/** What the host writes to `stateFile` once the stack is ready (`pnpm infra status`, `pnpm dev`). */
export interface HostState {
  pid: number;
  env: StackEnv;
  startedAt: string;
}

/** The host's arguments (one JSON argument). */
export interface HostConfig {
  stack: StartStackOptions;
  stopWithParent: boolean;
  stateFile?: string | undefined;
}

export type HostMessage =
  | { type: "ready"; state: HostState; postgresSource: string }
  | { type: "failed"; message: string };

/** The devstack services, running in the detached host (`stack-host.ts`). */
export interface DetachedStack {
  pid: number;
  env: StackEnv;
  /** `env` when DATABASE_URL was given, else how the stack started Postgres. */
  postgresSource: string;
  /** Stops every service the stack started; resolves once the host has exited. */
  stop(): Promise<void>;
  /** Lets this process exit while the host runs on (with `stopWithParent: false`). */
  release(): void;
}

export interface DetachedStackOptions {
  /**
   * true (`pnpm dev`): the stack also stops when this process goes away, even after SIGKILL (the
   * IPC channel closes). false (`pnpm infra up --detach`): it runs until SIGTERM or `stop()`.
   */
  stopWithParent: boolean;
  /** Where the host writes its HostState once ready; removed when it stops. */
  stateFile?: string | undefined;
  /** The host's output, appended; default: this process's stdout and stderr. */
  logFile?: string | undefined;
  /** Default: the workspace root. */
  cwd?: string | undefined;
}

/**
 * Starts what is missing of Postgres, Redis and Hatchet in a host process of its own (its own
 * process group, so a terminal's Ctrl-C reaches the caller alone, which decides the order things
 * stop in). Resolves once the stack is ready; rejects with the host's reason when it fails.
 */
export function startDetachedStack(
  stack: StartStackOptions,
  options: DetachedStackOptions,
): Promise<DetachedStack> {
  const config: HostConfig = { stack, stopWithParent: options.stopWithParent, stateFile: options.stateFile };
  const out = options.logFile ? openSync(options.logFile, "a") : "inherit";
  const host = spawn(
    process.execPath,
    [
      "--import",
      import.meta.resolve("tsx"),
      join(import.meta.dirname, "stack-host.ts"),
      JSON.stringify(config),
    ],
    { cwd: options.cwd ?? findWorkspaceRoot(), stdio: ["ignore", out, out, "ipc"], detached: true },
  );
  if (typeof out === "number") closeSync(out);
  const exited = new Promise<void>((resolve) => host.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    host.once("message", (message: HostMessage) => {
      if (message.type === "failed") return reject(new Error(message.message));
      resolve({
        pid: message.state.pid,
        env: message.state.env,
        postgresSource: message.postgresSource,
        stop: async () => {
          if (host.connected) host.send("stop");
          else host.kill("SIGTERM");
          await exited;
        },
        release: () => {
          if (host.connected) host.disconnect();
          host.unref();
        },
      });
    });
    void exited.then(() => reject(new Error(`the devstack host exited with ${host.exitCode}`)));
  });
}
