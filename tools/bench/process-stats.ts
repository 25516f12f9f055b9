import { readdirSync, readFileSync } from "node:fs";

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

/** CPU seconds (user + system) a process has used, from Linux `/proc/<pid>/stat`; 0 where it cannot tell. */
function cpuSecondsOf(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the `(comm)`, which may contain spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of every `postgres` process on this machine (the server and its backends). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres") total += cpuSecondsOf(pid);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}

/**
 * Where the machine's CPU went during a run: the api process and Postgres, each as a percentage
 * of one core over the wall time between `startCpuSplit()` and `stop()`. On 2 cores the load
 * client, the api and Postgres share the machine, so these say which one ran out first.
 */
export function startCpuSplit(apiPid: number | undefined): {
  stop(): { apiPct?: number; postgresPct: number };
} {
  const wall = performance.now();
  const api = apiPid === undefined ? undefined : cpuSecondsOf(apiPid);
  const pg = postgresCpuSeconds();
  return {
    stop() {
      const seconds = (performance.now() - wall) / 1_000;
      const pct = (cpu: number) => (seconds <= 0 ? 0 : (cpu / seconds) * 100);
      return {
        ...(apiPid === undefined || api === undefined ? {} : { apiPct: pct(cpuSecondsOf(apiPid) - api) }),
        postgresPct: pct(postgresCpuSeconds() - pg),
      };
    },
  };
}
