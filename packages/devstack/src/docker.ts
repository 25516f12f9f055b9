import { existsSync } from "node:fs";
import { run } from "./process.js";

let cached: Promise<boolean> | undefined;

/**
 * True when a Docker engine answers (not merely a docker client on PATH).
 * Checked once per process; `docker info` is bounded so a hung socket never stalls startup.
 */
export function dockerEngineAvailable(dockerHost: string | undefined): Promise<boolean> {
  cached ??= (async () => {
    if (!dockerHost && !existsSync("/var/run/docker.sock")) return false;
    try {
      await run("docker", ["info", "--format", "{{.ServerVersion}}"], { timeoutMs: 5_000 });
      return true;
    } catch {
      return false;
    }
  })();
  return cached;
}
