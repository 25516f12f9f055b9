import { HatchetClient } from "@hatchet-dev/typescript-sdk/v1/index.js";

export interface HatchetConnection {
  token: string;
  hostPort: string;
  tlsStrategy: "none" | "tls";
  namespace: string;
}

/**
 * How many events with these names the Hatchet engine itself recorded since `since`: a check
 * from the engine's side that `push_state = 'pushed'` means what it says. Asks the engine's
 * REST API, one page of one row, and reads the page count.
 */
export async function countHatchetEvents(
  connection: HatchetConnection,
  names: string[],
  since: Date,
): Promise<number> {
  const hatchet = HatchetClient.init({
    token: connection.token,
    host_port: connection.hostPort,
    tls_config: { tls_strategy: connection.tlsStrategy },
    namespace: connection.namespace,
    log_level: "ERROR",
  });
  // The SDK prefixes event keys with its normalised namespace on push; the REST filter does not.
  const keys = names.map((name) => `${hatchet.config.namespace ?? ""}${name}`);
  const res = await hatchet.api.v1EventList(hatchet.tenantId, {
    keys,
    since: since.toISOString(),
    limit: 1,
    offset: 0,
  });
  return res.data.pagination?.num_pages ?? res.data.rows?.length ?? 0;
}
