import { join } from "node:path";
import type { FakeVendorStats } from "@hogsend/devstack/fakes";
import { type RunningProcess, startProcess } from "@hogsend/devstack/process";

/** The fake's counters (`GET /__stats`), with the send ledger's counts. */
export type FakeProviderStats = Required<Omit<FakeVendorStats, "vendor">>;

export interface FakeProvider {
  /** What the api and worker use as the provider's base URL. */
  url: string;
  pid: number | undefined;
  stats(): Promise<FakeProviderStats>;
  /** Provider message ids issued per email idempotency key (`hogsend-send-<send id>`). */
  ledger(): Promise<Record<string, string[]>>;
  /** Forgets counters, ledger and idempotency records. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface FakeProviderOptions {
  root: string;
  /** `resend`: 429 with `Retry-After` beyond Resend's 5 requests/s; `none`: unlimited. */
  limit: "resend" | "none";
  apiKey: string;
  /** Random faults, as `serve.ts --faults` takes them (`429=0.1,500=0.05,timeout=0.02`), and their seed. */
  faults?: { spec: string; seed: number } | undefined;
}

/**
 * The fake Resend in a process of its own (`pnpm fake:provider`), keeping counts and ids only,
 * so its CPU and memory are neither the bench client's nor the worker's.
 */
export async function startFakeProvider(options: FakeProviderOptions): Promise<FakeProvider> {
  const child: RunningProcess = startProcess(
    process.execPath,
    [
      "--import",
      "tsx",
      join(options.root, "packages/devstack/src/fakes/serve.ts"),
      ...["--provider", "resend", "--api-key", options.apiKey],
      ...(options.limit === "resend" ? ["--limit", "resend"] : ["--unlimited"]),
      ...(options.faults ? ["--faults", options.faults.spec, "--seed", String(options.faults.seed)] : []),
    ],
    { cwd: options.root, outputCap: 16 * 1024 },
  );
  try {
    await child.waitFor(/^\{.*"url".*\}$/m, 30_000);
  } catch (err) {
    await child.stop("SIGTERM", 2_000);
    throw new Error(`the fake provider did not start: ${(err as Error).message}\n${child.output()}`);
  }
  const line = child
    .output()
    .split("\n")
    .find((l) => l.startsWith("{"));
  const { url } = JSON.parse(line ?? "{}") as { url?: string };
  if (!url) throw new Error(`the fake provider printed no URL:\n${child.output()}`);

  const call = async (method: "GET" | "POST", path: string): Promise<Response> => {
    const res = await fetch(`${url}${path}`, { method });
    if (!res.ok) throw new Error(`${method} ${path} on the fake provider: HTTP ${res.status}`);
    return res;
  };
  return {
    url,
    pid: child.pid,
    stats: async () => (await (await call("GET", "/__stats")).json()) as FakeProviderStats,
    ledger: async () => (await (await call("GET", "/__ledger")).json()) as Record<string, string[]>,
    reset: async () => void (await call("POST", "/__reset")),
    stop: async () => void (await child.stop("SIGTERM", 5_000)),
  };
}
