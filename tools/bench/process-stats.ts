import { readFileSync } from "node:fs";

/** Starts counting this process's CPU time; `stop()` gives it as a percentage of one core. */
export function startCpuMeter(): { stop(): number } {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  return {
    stop() {
      const used = process.cpuUsage(cpu);
      const wallMs = performance.now() - wall;
      return wallMs <= 0 ? 0 : ((used.user + used.system) / 1_000 / wallMs) * 100;
    },
  };
}

/**
 * The peak resident set of process `pid` since it started (Linux `VmHWM`), in MB; undefined
 * where /proc cannot tell (another OS, the process gone). Read it before stopping the process.
 */
export function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
