import { parseArgs } from "node:util";
import { type EventInput, EventInputSchema, findUnstorable, type RuntimeContent } from "@hogsend/engine";
import { openRuntime, requireContent } from "../engine-context.js";
import { asCliError, CliError, EXIT } from "../exit-codes.js";
import { parseProps } from "../props.js";
import { EVENTS_HELP } from "./events.js";

/**
 * `hogsend events send`: the event through the runtime's own ingest, as POST /v1/events stores
 * it, checked by the same schema. The CLI starts no outbox pusher: the event is queued, and the
 * NOTIFY its write sends wakes the pushers of the running api and worker.
 */
export async function sendEvent(
  args: string[],
  out: (line: string) => void,
  content: RuntimeContent | undefined,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${EVENTS_HELP}`, EXIT.USAGE);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(EVENTS_HELP);
    return EXIT.OK;
  }
  if (positionals.length !== 1)
    throw new CliError(`events send takes one event name\n\n${EVENTS_HELP}`, EXIT.USAGE);
  const input = eventInputOf(positionals[0] ?? "", values);
  const runtime = openRuntime("events send", requireContent(content, "events send"));
  try {
    const result = await runtime.ingest.ingest(input, {
      source: "cli",
      idempotencyKey: values["idempotency-key"],
    });
    if (values.json) out(JSON.stringify(result, null, 2));
    else
      out(
        `${result.duplicate ? "already stored" : "stored"} event ${result.eventId} for contact ${result.contactId}` +
          `${result.pushed ? ", queued for the journeys it triggers" : ""}` +
          `${result.exits > 0 ? `; it ended ${result.exits} enrollment(s)` : ""}`,
      );
    return EXIT.OK;
  } catch (err) {
    throw asCliError(err);
  } finally {
    await runtime.stop();
    await runtime.client.close();
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      "user-id": { type: "string" },
      email: { type: "string" },
      "anonymous-id": { type: "string" },
      prop: { type: "string", multiple: true },
      properties: { type: "string" },
      "contact-prop": { type: "string", multiple: true },
      timestamp: { type: "string" },
      "idempotency-key": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

const FLAG_OF: Record<string, string> = {
  name: "<name>",
  userId: "--user-id",
  email: "--email",
  anonymousId: "--anonymous-id",
  eventProperties: "--prop/--properties",
  contactProperties: "--contact-prop",
  timestamp: "--timestamp",
  idempotencyKey: "--idempotency-key",
};

/** The flags as the api's EventInput, refused (65) with each failing flag named. */
function eventInputOf(name: string, values: ReturnType<typeof parse>["values"]): EventInput {
  const contactProperties = values["contact-prop"] ? parseProps(values["contact-prop"]) : undefined;
  const result = EventInputSchema.safeParse({
    name,
    userId: values["user-id"],
    email: values.email,
    anonymousId: values["anonymous-id"],
    eventProperties: parseProps(values.prop ?? [], values.properties),
    contactProperties,
    timestamp: values.timestamp,
    idempotencyKey: values["idempotency-key"],
  });
  if (!result.success) {
    const lines = result.error.issues.map(
      (i) => `  ${FLAG_OF[String(i.path[0])] ?? i.path.join(".")}: ${i.message}`,
    );
    throw new CliError(`the event is refused:\n${[...new Set(lines)].join("\n")}`, EXIT.DATA);
  }
  const unstorable = findUnstorable(result.data);
  if (unstorable)
    throw new CliError(`the event is refused: ${unstorable.field} ${unstorable.message}`, EXIT.DATA);
  return result.data;
}
