import { readdirSync, readFileSync } from "node:fs";
import { descendantPids } from "@hogsend/devstack/process";

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

function commOf(pid: number | string): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** Services a run may start, told apart by their process name. */
const SERVICES = {
  postgres: (comm: string) => comm === "postgres",
  hatchet: (comm: string) => comm.startsWith("hatchet"),
  redis: (comm: string) => comm.startsWith("redis-server"),
} as const;
type Service = keyof typeof SERVICES;

/**
 * CPU seconds of each service among this process's descendants (the stack a bench started);
 * Postgres, when none of its processes is ours (a server from DATABASE_URL), over every
 * `postgres` process on the machine.
 */
function serviceCpuSeconds(): Record<Service, number> {
  const totals: Record<Service, number> = { postgres: 0, hatchet: 0, redis: 0 };
  let ownPostgres = false;
  for (const pid of descendantPids(process.pid)) {
    const comm = commOf(pid);
    for (const service of Object.keys(SERVICES) as Service[]) {
      if (!SERVICES[service](comm)) continue;
      totals[service] += cpuSecondsOf(pid);
      if (service === "postgres") ownPostgres = true;
    }
  }
  if (!ownPostgres) {
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      if (commOf(pid) === "postgres") totals.postgres += cpuSecondsOf(pid);
    }
  }
  return totals;
}

/** Busy CPU seconds of the whole machine, all cores (Linux `/proc/stat`); 0 where it cannot tell. */
function machineCpuSeconds(): number {
  try {
    const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/) ?? [];
    const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
  } catch {
    return 0;
  }
}

export interface CpuSplit<Name extends string> {
  /** Each named process. */
  byProcess: Partial<Record<Name, number>>;
  /** The run's Postgres server and backends (else every postgres on the machine). */
  postgresPct: number;
  /** The Hatchet engine and Redis the run started; 0 when they are not its own. */
  hatchetPct: number;
  redisPct: number;
  /** The whole machine, all cores (200 on two busy cores): above the sum of the rest, others ran too. */
  machinePct: number;
}

/**
 * Where the machine's CPU went during a run: each named process, the services the run started,
 * and the whole machine, each as a percentage of one core over the wall time between
 * `startCpuSplit()` and `stop()`. On 2 cores the load client, the api, the worker, Postgres and
 * Hatchet share the machine, so these say which one ran out first, and whether something else
 * on the machine took its share. A process whose pid is unknown is left out.
 */
export function startCpuSplit<Name extends string>(
  pids: Record<Name, number | undefined>,
): { stop(): CpuSplit<Name> } {
  const wall = performance.now();
  const known = (Object.entries(pids) as [Name, number | undefined][]).filter(
    (entry): entry is [Name, number] => entry[1] !== undefined,
  );
  const before = known.map(([, pid]) => cpuSecondsOf(pid));
  const services = serviceCpuSeconds();
  const machine = machineCpuSeconds();
  return {
    stop() {
      const seconds = (performance.now() - wall) / 1_000;
      const pct = (cpu: number) => (seconds <= 0 ? 0 : (cpu / seconds) * 100);
      const byProcess: Partial<Record<Name, number>> = {};
      known.forEach(([name, pid], i) => {
        byProcess[name] = pct(cpuSecondsOf(pid) - (before[i] ?? 0));
      });
      const after = serviceCpuSeconds();
      return {
        byProcess,
        postgresPct: pct(after.postgres - services.postgres),
        hatchetPct: pct(after.hatchet - services.hatchet),
        redisPct: pct(after.redis - services.redis),
        machinePct: pct(machineCpuSeconds() - machine),
      };
    },
  };
}
