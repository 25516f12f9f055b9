import type { DevCredentials } from "./credentials.js";

/**
 * A ready-to-paste `curl` that fires `user_signed_up` for a new address each time (the welcome
 * journey enrolls a contact once), so every paste brings a fresh welcome email.
 */
export function sampleEventCurl(baseUrl: string, ingestKey: string): string {
  const body = `{"name":"user_signed_up","email":"ada+'"$(date +%s)$RANDOM"'@example.com","contactProperties":{"firstName":"Ada"}}`;
  return `curl -sS ${baseUrl}/v1/events -H 'authorization: Bearer ${ingestKey}' -H 'content-type: application/json' -d '${body}'`;
}

export interface BannerInput {
  baseUrl: string | undefined;
  seconds: number;
  coldStart: boolean;
  credentials: DevCredentials | undefined;
  worker: "here" | "elsewhere";
  redis: boolean;
}

/** What a newcomer needs once everything is up: where to look and what to paste. */
export function banner(input: BannerInput): string {
  const lines = ["", `ready in ${input.seconds.toFixed(1)}s (${input.coldStart ? "cold" : "warm"} start)`];
  if (input.baseUrl) {
    lines.push(
      `  API      ${input.baseUrl}`,
      `  Studio   ${input.baseUrl}/studio (hot reload: pnpm --filter @hogsend/studio dev)`,
      `  docs     ${input.baseUrl}/docs`,
      `  outbox   ${input.baseUrl}/v1/dev/outbox`,
      `  health   ${input.baseUrl}/v1/health`,
    );
  }
  const { credentials } = input;
  if (credentials?.admin) {
    const { email, password } = credentials.admin;
    lines.push(
      password
        ? `  studio   ${email} / ${password}`
        : `  studio   ${email} (its password changed; \`pnpm hogsend studio admin reset --email ${email}\`)`,
    );
  }
  if (credentials) lines.push(`  ingest   ${credentials.ingestKey}`);
  if (!input.redis)
    lines.push("  redis    none: in-memory fallback (install redis-server for sessions across restarts)");
  if (input.worker === "elsewhere")
    lines.push("  worker   not in this session: run `pnpm worker` in another terminal for journeys to run");
  if (input.baseUrl && credentials) {
    lines.push(
      "",
      "Fire a sample event; the welcome email shows in the outbox within seconds:",
      "",
      sampleEventCurl(input.baseUrl, credentials.ingestKey),
    );
  }
  lines.push("", "Ctrl-C stops everything.", "");
  return lines.join("\n");
}
