/**
 * The detached stack host, started by startDetachedStack for `pnpm dev` and
 * `pnpm infra up --detach`: runs startStack in a process group of its own, reports readiness
 * over IPC (and in its state file), and stops the stack on "stop", SIGINT or SIGTERM, and, when
 * it stops with its parent, once the IPC channel closes (even after the parent's SIGKILL).
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { HostConfig, HostMessage, HostState } from "./detached-stack.js";
import { type Stack, startStack } from "./stack.js";

const send = (message: HostMessage) => process.send?.(message);
const config = JSON.parse(process.argv[2] ?? "{}") as HostConfig;

let stack: Stack | undefined;
let startFailed = false;
let stopRequested = false;
let stopping = false;
async function stop(code: number) {
  stopRequested = true;
  // Mid-start: the services are stopped once startStack returns (it cannot be cut short).
  if (stopping || (!stack && !startFailed)) return;
  stopping = true;
  await stack?.stop();
  if (config.stateFile) await rm(config.stateFile, { force: true });
  process.exit(code);
}
process.on("message", (message) => {
  if (message === "stop") void stop(0);
});
process.on("disconnect", () => {
  if (config.stopWithParent) void stop(0);
});
// Signals meant for this group only (`pnpm infra down`, or someone signalling it by hand).
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
// Runs until told to stop, also when every service is external and no child keeps it busy.
setInterval(() => {}, 1 << 30);

try {
  stack = await startStack(config.stack);
  const state: HostState = { pid: process.pid, env: stack.env, startedAt: new Date().toISOString() };
  if (config.stateFile) {
    await mkdir(dirname(config.stateFile), { recursive: true });
    await writeFile(config.stateFile, JSON.stringify(state, null, 2));
  }
  send({ type: "ready", state, postgresSource: stack.postgres.source });
} catch (err) {
  startFailed = true;
  send({ type: "failed", message: (err as Error).message });
  await stop(1);
}
if (stopRequested) await stop(0);
