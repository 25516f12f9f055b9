import { startEmbeddedSidecar } from "@hatchet-dev/typescript-sdk/v1/embedded.js";
import { getFreePort, preferPort } from "../free-port.js";
import { HATCHET_ENGINE_TAG } from "./versions.js";

export interface SidecarEngine {
  token: string;
  grpcAddress: string;
  apiUrl: string;
  dashboardUrl?: string;
  stop(): Promise<void>;
}

/** Starts the hatchet-embedded sidecar against our Postgres (binaryPath unset: the SDK downloads it). */
export async function startSidecar(options: {
  binaryPath?: string;
  databaseUrl: string;
  grpcPort?: number | undefined;
}): Promise<SidecarEngine> {
  const sidecar = await startEmbeddedSidecar({
    version: HATCHET_ENGINE_TAG,
    ...(options.binaryPath ? { binaryPath: options.binaryPath } : {}),
    databaseUrl: options.databaseUrl,
    grpcPort: await preferPort(options.grpcPort),
    apiPort: await getFreePort(),
    logLevel: "warn",
    readyTimeoutMs: 120_000,
  });
  return {
    token: sidecar.token,
    grpcAddress: sidecar.grpcAddress,
    apiUrl: sidecar.apiUrl,
    stop: sidecar.stop,
  };
}
