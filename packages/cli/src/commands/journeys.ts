import { parseArgs } from "node:util";
import { JOURNEY_STATUSES, readEnrollment } from "@hogsend/db";
import {
  cancelEnrollment,
  describeJourneys,
  enrollByHand,
  findJourney,
  overrideJourneyEnabled,
  type RuntimeContent,
} from "@hogsend/engine";
import { openContext } from "../context.js";
import { openRuntime, requireContent } from "../engine-context.js";
import { asCliError, CliError, EXIT, unknownCommand } from "../exit-codes.js";
import { findContactByHandle } from "../find-contact.js";
import { parseProps } from "../props.js";

export const JOURNEYS_HELP = `Usage: hogsend journeys <command> [options]

The deployment's journeys. They are written in code; an operator switches one on or off here
without a deploy. Audited as system.

Commands:
  list [--json]                      each journey: trigger, on or off (and who decided), and its
                                     enrollments by status
  enable <journey>                   switch it on now, whatever the code says
  disable <journey>                  switch it off now: no new enrollments, live runs go on
  reset <journey>                    drop the override, so the code decides again
  enroll <journey> <contact>         enroll one contact (id, email or user id) by hand; the
        [--prop K=V]… [--properties JSON] [--idempotency-key K] [--json]
                                     journey's guards apply as for its trigger event, and the
                                     properties are what trigger.where is checked against
  cancel <journey> <contact|enrollment id> [--json]
                                     end a live enrollment and cancel its run on Hatchet

list, enable, disable and reset need DATABASE_URL and BETTER_AUTH_SECRET; enroll and cancel act
on Hatchet, so they need the api's whole environment. Exit codes: 0 ok, 64 usage, 65 unknown
journey or contact, or a refusal (the reason is printed), 69 database or Hatchet unreachable,
78 bad environment.`;

const COMMANDS = ["list", "enable", "disable", "reset", "enroll", "cancel"] as const;
type Command = (typeof COMMANDS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function journeys(
  args: string[],
  out: (line: string) => void,
  content?: RuntimeContent,
): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h") {
    out(JOURNEYS_HELP);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  if (!(COMMANDS as readonly string[]).includes(command))
    throw unknownCommand("journeys", command, COMMANDS, JOURNEYS_HELP);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${JOURNEYS_HELP}`, EXIT.USAGE);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(JOURNEYS_HELP);
    return EXIT.OK;
  }
  const wanted = command === "list" ? 0 : command === "enroll" || command === "cancel" ? 2 : 1;
  if (positionals.length !== wanted)
    throw new CliError(
      `journeys ${command} takes ${wanted === 0 ? "no arguments" : wanted === 1 ? "a journey id" : "a journey id and a contact"}\n\n${JOURNEYS_HELP}`,
      EXIT.USAGE,
    );
  const properties = parseProps(values.prop ?? [], values.properties);
  const { journeys: all = [] } = requireContent(content, `journeys ${command}`);
  const [journeyId = "", target = ""] = positionals;
  try {
    if (command === "enroll" || command === "cancel") {
      const journey = findJourney(all, journeyId);
      return await act(command, { journey, target, properties, values, out }, content);
    }
    const ctx = await openContext();
    try {
      const { db } = ctx.db;
      if (command === "list") {
        const described = await describeJourneys(db, all);
        if (values.json) out(JSON.stringify(described, null, 2));
        else if (described.length === 0) out("this deployment has no journeys");
        else
          for (const j of described) {
            const decided =
              j.override?.enabled != null ? `by ${j.override.updatedBy ?? "an operator"}` : "in code";
            const counts = JOURNEY_STATUSES.map((s) => `${s} ${j.counts[s]}`).join(", ");
            out(`${j.id}  ${j.enabled ? "on" : "off"} (${decided})  trigger ${j.trigger.event}  ${counts}`);
          }
        return EXIT.OK;
      }
      const journey = findJourney(all, journeyId);
      const enabled = command === "enable" ? true : command === "disable" ? false : null;
      const now = await overrideJourneyEnabled(db, journey, enabled, "system");
      out(`${now.id} is ${now.enabled ? "on" : "off"}${enabled === null ? ", as the code says" : ""}`);
      return EXIT.OK;
    } finally {
      await ctx.close();
    }
  } catch (err) {
    throw asCliError(err);
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      prop: { type: "string", multiple: true },
      properties: { type: "string" },
      "idempotency-key": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

interface ActInput {
  journey: Parameters<typeof cancelEnrollment>[1];
  target: string;
  properties: Record<string, unknown>;
  values: ReturnType<typeof parse>["values"];
  out: (line: string) => void;
}

/** enroll and cancel: through the runtime, so Hatchet starts or cancels the run. */
async function act(
  command: Extract<Command, "enroll" | "cancel">,
  input: ActInput,
  content: RuntimeContent | undefined,
): Promise<number> {
  const { journey, target, properties, values, out } = input;
  const runtime = openRuntime(`journeys ${command}`, requireContent(content, `journeys ${command}`));
  const { db } = runtime.client.db;
  try {
    if (command === "enroll") {
      const contact = await findContactByHandle(db, target);
      if (!contact) throw new CliError(`no contact ${target}`, EXIT.DATA);
      const enrolled = await enrollByHand(
        runtime,
        journey,
        {
          target: { contactId: contact.id },
          properties,
          idempotencyKey: values["idempotency-key"],
        },
        "system",
      );
      if (values.json) out(JSON.stringify(enrolled, null, 2));
      else
        out(
          `${enrolled.duplicate ? "already requested" : "enrolled"} contact ${enrolled.contactId} in ${journey.meta.id}: ` +
            `run ${enrolled.runId} (event ${enrolled.eventId})`,
        );
      return EXIT.OK;
    }
    const stateId = UUID.test(target) ? await stateIdOf(db, journey.meta.id, target) : undefined;
    const liveId = stateId ?? (await liveStateOf(db, journey.meta.id, target));
    const { state, runCancelled } = await cancelEnrollment(runtime.client, journey, liveId, "system");
    if (values.json) out(JSON.stringify({ state, runCancelled }, null, 2));
    else
      out(
        `cancelled enrollment ${state.id} of ${state.userKey} in ${journey.meta.id}` +
          (runCancelled
            ? ""
            : " (Hatchet did not answer: the run ends at its next step, which sees it exited)"),
      );
    return EXIT.OK;
  } finally {
    await runtime.stop();
    await runtime.client.close();
  }
}

type Db = Parameters<typeof findContactByHandle>[0];

/** A uuid names an enrollment when this journey has one with that id; else it is a contact id. */
async function stateIdOf(db: Db, journeyId: string, id: string): Promise<string | undefined> {
  const [row] = await db.query.journeyStates.findMany({
    columns: { id: true },
    where: (s, { and, eq }) => and(eq(s.id, id), eq(s.journeyId, journeyId)),
    limit: 1,
  });
  return row?.id;
}

async function liveStateOf(db: Db, journeyId: string, who: string): Promise<string> {
  const contact = await findContactByHandle(db, who);
  if (!contact) throw new CliError(`no contact or enrollment ${who}`, EXIT.DATA);
  const read = await readEnrollment(db, { contactId: contact.id, journeyId });
  if (!read?.live)
    throw new CliError(`contact ${contact.id} has no live enrollment in ${journeyId}`, EXIT.DATA);
  return read.live.id;
}
