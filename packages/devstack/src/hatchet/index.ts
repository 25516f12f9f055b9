import { join } from "node:path";
import { hostPortFromHatchetToken } from "@hogsend/core";
import postgres from "postgres";
import { userBinDir } from "../env.js";
import { logStep } from "../log.js";
import { ensureDatabase } from "../postgres.js";
import { buildLiteOrExplain, type HatchetRoute, resolveHatchetBinaries } from "./resolve.js";
import { startLite } from "./start-lite.js";
import { startSidecar } from "./start-sidecar.js";

export type { HatchetRoute } from "./resolve.js";
export { HATCHET_ENGINE_TAG } from "./versions.js";

export interface HatchetHandle {
  route: HatchetRoute | "external";
  token: string;
  /** host:port of the engine's gRPC server (HATCHET_CLIENT_HOST_PORT). */
  hostPort: string;
  dashboardUrl?: string | undefined;
  stop(): Promise<void>;
}

export interface StartHatchetOptions {
  /** An external engine: HATCHET_CLIENT_TOKEN (+ HATCHET_CLIENT_HOST_PORT). */
  token?: string | undefined;
  hostPort?: string | undefined;
  embeddedBinaryPath?: string | undefined;
  /** Any database URL on the Postgres server that will host the engine's own database. */
  serverUrl: string;
  /** `.hogsend` */
  homeDir: string;
  /** Subfolder of `.hogsend` for the engine's config and keys. */
  stateName: string;
  grpcPort?: number | undefined;
  dashboardPort?: number | undefined;
  allowSdkDownload?: boolean;
  /** Name of the engine's database (default `hatchet`). */
  database?: string;
}

/** A real Hatchet engine: an external one, the embedded sidecar, or hatchet-lite built from source. */
export async function startHatchet(options: StartHatchetOptions): Promise<HatchetHandle> {
  if (options.token) {
    return {
      route: "external",
      token: options.token,
      hostPort: options.hostPort ?? hostPortFromHatchetToken(options.token),
      stop: async () => {},
    };
  }
  const databaseUrl = await prepareEngineDatabase(options.serverUrl, options.database ?? "hatchet");
  const binDir = join(options.homeDir, "bin");
  const sharedBinDir = userBinDir();
  const binaries = await resolveHatchetBinaries({
    embeddedBinaryPath: options.embeddedBinaryPath,
    binDir,
    sharedBinDir,
    allowSdkDownload: options.allowSdkDownload ?? true,
  });
  if (binaries.kind === "sidecar" || binaries.kind === "sidecar-sdk") {
    try {
      const engine = await startSidecar({
        ...(binaries.kind === "sidecar" ? { binaryPath: binaries.path } : {}),
        databaseUrl,
        grpcPort: options.grpcPort,
      });
      logStep(`hatchet engine via ${binaries.route}, gRPC on ${engine.grpcAddress}`);
      return { route: binaries.route, token: engine.token, hostPort: engine.grpcAddress, stop: engine.stop };
    } catch (err) {
      if (binaries.kind === "sidecar") throw err;
      logStep(`the SDK could not download the sidecar: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  const lite = binaries.kind === "lite" ? binaries : await buildLiteOrExplain(undefined, sharedBinDir);
  if (lite.kind !== "lite") throw new Error("unreachable: expected hatchet-lite binaries");
  const engine = await startLite({
    binDir: lite.dir,
    databaseUrl,
    stateDir: join(options.homeDir, options.stateName),
    grpcPort: options.grpcPort,
    dashboardPort: options.dashboardPort,
  });
  logStep(`hatchet engine via ${lite.route}, gRPC on ${engine.grpcAddress}`);
  return {
    route: lite.route,
    token: engine.token,
    hostPort: engine.grpcAddress,
    dashboardUrl: engine.dashboardUrl,
    stop: engine.stop,
  };
}

/** The engine needs its own database, in UTC; btree_gist ships with every supported source. */
async function prepareEngineDatabase(serverUrl: string, name: string): Promise<string> {
  const adminUrl = new URL(serverUrl);
  adminUrl.pathname = "/postgres";
  await ensureDatabase(adminUrl.toString(), name);
  const sql = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`alter database "${name}" set timezone to 'UTC'`);
  } finally {
    await sql.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
