import { createRequire } from "node:module";
import { join } from "node:path";
import {
  childPids,
  killGroup,
  type RunningProcess,
  startProcess,
  waitForPidExit,
} from "@hogsend/devstack/process";

/** An api or worker entry under `tsx watch`: restarted on every change of a file it imports. */
export interface WatchedChild {
  name: string;
  process: RunningProcess;
  exited: Promise<number | null>;
  /**
   * Stops the entry, then `tsx watch`: the entry gets the signal itself and `graceMs` to finish
   * (tsx would SIGKILL it after 5 s), then SIGKILL. Where /proc is missing, tsx relays the signal.
   */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

const OUTPUT_CAP = 64_000;

export function spawnWatched(input: {
  name: string;
  entry: string;
  root: string;
  env: NodeJS.ProcessEnv;
}): WatchedChild {
  const tsxCli = createRequire(join(input.root, "package.json")).resolve("tsx/cli");
  const prefix = `${input.name.padEnd(6)} │ `;
  // Straight through node, no shell or bin shim in between, so signals reach tsx itself; in a
  // process group of its own, so only the caller signals it (tsx escalates a second signal).
  const child = startProcess(process.execPath, [tsxCli, "watch", "--clear-screen=false", input.entry], {
    cwd: input.root,
    env: input.env,
    prefix,
    outputCap: OUTPUT_CAP,
    group: true,
  });
  return {
    name: input.name,
    process: child,
    exited: child.exited,
    stop: async (signal, graceMs) => {
      const pid = child.pid;
      if (!child.running() || !pid) return;
      let killed = false;
      for (const entry of childPids(pid)) {
        try {
          process.kill(entry, signal);
        } catch {
          continue;
        }
        if (await waitForPidExit(entry, graceMs)) continue;
        process.stderr.write(`${prefix}did not stop within ${graceMs / 1000}s; killing it\n`);
        killed = true;
      }
      // An entry that exited is reaped by tsx, which then exits on the signal at once. One that
      // has to be killed takes tsx along: tsx waits forever for an entry a signal ended.
      if (killed) killGroup(pid);
      else if (child.running()) child.child.kill(signal);
      const stopped = await Promise.race([
        child.exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 5_000)),
      ]);
      if (!stopped) killGroup(pid);
      await child.exited;
    },
  };
}
