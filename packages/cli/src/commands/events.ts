import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import type { RuntimeContent } from "@hogsend/engine";
import { openContext } from "../context.js";
import { CliError, EXIT, unknownCommand } from "../exit-codes.js";
import { sendEvent } from "./events-send.js";

export const EVENTS_HELP = `Usage: hogsend events <command> [options]

Commands:
  tail [--name N] [--json] [--interval MS]
      follows events as they are stored, from now on, until Ctrl-C (needs DATABASE_URL and
      BETTER_AUTH_SECRET): time, name, source, contact and properties; --json prints one object
      a line
  send <name> (--user-id U | --email E | --anonymous-id A)… [--prop K=V]… [--properties JSON]
       [--contact-prop K=V]… [--timestamp ISO] [--idempotency-key K] [--json]
      records an event exactly as POST /v1/events does (source cli): upserts the contact, ends
      the enrollments it exits, and queues it for the journeys it triggers; the api's or worker's
      outbox pusher carries it to Hatchet. Needs the api's environment. --prop values that read
      as JSON (42, true, null) are that value. A re-run with the same --idempotency-key stores
      nothing.

Exit codes: 0 ok, 64 usage, 65 refused input (the fields are named), 69 database unreachable,
78 bad environment.`;

interface TailedEvent {
  id: string;
  event: string;
  source: string;
  user_key: string;
  properties: unknown;
  received_at: Date | string;
  cursor: string;
}

export async function events(
  args: string[],
  out: (line: string) => void,
  content?: RuntimeContent,
): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h") {
    out(EVENTS_HELP);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  if (command === "send") return sendEvent(rest, out, content);
  if (command !== "tail") throw unknownCommand("events", command, ["send", "tail"], EVENTS_HELP);
  return tail(rest, out, abortOnSigint());
}

async function tail(rest: string[], out: (line: string) => void, stop: AbortSignal): Promise<number> {
  let values: { name?: string; json?: boolean; interval?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        name: { type: "string" },
        json: { type: "boolean" },
        interval: { type: "string", default: "1000" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${EVENTS_HELP}`, EXIT.USAGE);
  }
  if (values.help) {
    out(EVENTS_HELP);
    return EXIT.OK;
  }
  const intervalMs = Number(values.interval);
  if (!Number.isInteger(intervalMs) || intervalMs < 100)
    throw new CliError(`--interval takes at least 100 ms, got ${values.interval}`, EXIT.USAGE);

  const ctx = await openContext();
  try {
    const { sql } = ctx.db;
    // The cursor is (received_at, id) as text from Postgres itself, so no event is skipped or
    // repeated between polls, whatever the clocks say.
    const [start] = await sql<
      { cursor: string }[]
    >`select to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US') as cursor`;
    let at = start?.cursor ?? "";
    let afterId = "00000000-0000-0000-0000-000000000000";
    if (!values.json) out(`following events${values.name ? ` named ${values.name}` : ""} (Ctrl-C to stop)`);
    while (!stop.aborted) {
      const rows = await sql<TailedEvent[]>`
        select id, event, source, user_key, properties, received_at,
          to_char(received_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US') as cursor
        from user_events
        where (received_at at time zone 'utc', id) > (${at}::timestamp, ${afterId}::uuid)
          ${values.name ? sql`and event = ${values.name}` : sql``}
        order by received_at, id limit 500`;
      for (const e of rows) {
        out(
          values.json
            ? JSON.stringify({
                id: e.id,
                event: e.event,
                source: e.source,
                contactId: e.user_key,
                properties: e.properties,
                receivedAt: e.received_at,
              })
            : `${e.cursor}  ${e.event}  ${e.source}  ${e.user_key}  ${JSON.stringify(e.properties)}`,
        );
        at = e.cursor;
        afterId = e.id;
      }
      if (rows.length < 500) await sleep(intervalMs, undefined, { signal: stop }).catch(() => {});
    }
    return EXIT.OK;
  } finally {
    await ctx.close();
  }
}

function abortOnSigint(): AbortSignal {
  const controller = new AbortController();
  // on, not once: pnpm relays the terminal's SIGINT, so a second one follows the first, and with no
  // listener left it would kill the process mid-stop.
  process.on("SIGINT", () => controller.abort());
  process.on("SIGTERM", () => controller.abort());
  return controller.signal;
}
