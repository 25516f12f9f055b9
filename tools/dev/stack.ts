import { spawn } from "node:child_process";
import { join } from "node:path";
import type { StartStackOptions } from "@hogsend/devstack";

export type HostMessage =
  | { type: "ready"; env: Record<string, string | undefined>; postgresSource: string }
  | { type: "failed"; message: string };

/** The devstack services, running in `stack-host.ts`. */
export interface DetachedStack {
  env: Record<string, string | undefined>;
  /** `env` when DATABASE_URL was given, else the Postgres this stack started. */
  postgresSource: string;
  /** Stops every service the stack started; resolves once the host has exited. */
  stop(): Promise<void>;
}

/** Starts what is missing of Postgres, Redis and Hatchet in a detached host process. */
export function startDetachedStack(root: string, options: StartStackOptions): Promise<DetachedStack> {
  const host = spawn(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "stack-host.ts"), JSON.stringify(options)],
    { cwd: root, stdio: ["ignore", "inherit", "inherit", "ipc"], detached: true },
  );
  const exited = new Promise<void>((resolve) => host.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    host.once("message", (message: HostMessage) => {
      if (message.type === "failed") return reject(new Error(message.message));
      resolve({
        env: message.env,
        postgresSource: message.postgresSource,
        stop: async () => {
          if (host.connected) host.send("stop");
          await exited;
        },
      });
    });
    void exited.then(() => reject(new Error(`the devstack host exited with ${host.exitCode}`)));
  });
}
