import { randomUUID } from "node:crypto";
import { join, resolve } from "node:path";
import { upsertContact } from "@hogsend/db";
import { eventually, runToExit, testStack } from "@hogsend/devstack/testing";
import { setupTestApp } from "@hogsend/engine/testing";
import { describe, expect, it } from "vitest";
import { EXIT } from "./exit-codes.js";
import { cliTestJourneys } from "./testing/journeys-fixture.js";

const root = resolve(import.meta.dirname, "../../..");
/** The deployment's CLI (with journeys), and the package's own bin (without). */
const deploymentCli = join(root, "packages/cli/src/testing/cli-with-journeys.ts");
const bareBin = join(root, "packages/cli/bin/hogsend.mjs");
const stack = testStack();
// A worker with the same journeys, so Hatchet knows their tasks and enrolled runs really run.
const api = setupTestApp({
  content: { journeys: cliTestJourneys },
  worker: { name: "cli-journeys-test" },
  keys: ["read"],
});

const hogsend = (args: string[], cli: "deployment" | "bare" = "deployment") =>
  runToExit(
    process.execPath,
    cli === "deployment" ? ["--import", "tsx", deploymentCli, ...args] : [bareBin, ...args],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "test",
        LOG_LEVEL: "warn",
        DATABASE_URL: api.database.url,
        REDIS_URL: stack.REDIS_URL,
        BETTER_AUTH_SECRET: "journeys-secret-journeys-secret-journeys",
        HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
        HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
        HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
        HATCHET_CLIENT_NAMESPACE: stack.HATCHET_CLIENT_NAMESPACE,
      },
    },
  );

const audited = async (action: string, resourceId: string) => {
  const [row] = await api.client.db.sql<{ n: number }[]>`
    select count(*)::int as n from audit_logs
    where action = ${action} and resource_id = ${resourceId} and actor_type = 'system'`;
  return row?.n ?? 0;
};

describe("hogsend journeys", () => {
  it("lists the deployment's journeys, switches one off and on, and hands it back to the code", async () => {
    const listed = await hogsend(["journeys", "list"]);
    expect(listed.code, listed.output).toBe(EXIT.OK);
    expect(listed.output).toMatch(/cli-sleeper {2}on \(in code\) {2}trigger cli_signed_up {2}active 0/);
    expect(listed.output).toMatch(/cli-idle {2}off \(in code\)/);

    const off = await hogsend(["journeys", "disable", "cli-sleeper"]);
    expect(off.code, off.output).toBe(EXIT.OK);
    expect(off.output).toContain("cli-sleeper is off");
    const json = await hogsend(["journeys", "list", "--json"]);
    const [sleeper] = JSON.parse(json.output.slice(json.output.indexOf("["))) as {
      id: string;
      enabled: boolean;
      override: { updatedBy: string } | null;
    }[];
    expect(sleeper).toMatchObject({ id: "cli-sleeper", enabled: false, override: { updatedBy: "system" } });
    // The api reads the same override.
    const viaApi = (await (await api.request("/v1/admin/journeys", { key: api.keys.read })).json()) as {
      items: { id: string; enabled: boolean }[];
    };
    expect(viaApi.items.find((j) => j.id === "cli-sleeper")?.enabled).toBe(false);

    expect((await hogsend(["journeys", "enable", "cli-idle"])).output).toContain("cli-idle is on");
    expect((await hogsend(["journeys", "reset", "cli-sleeper"])).output).toContain(
      "cli-sleeper is on, as the code says",
    );
    expect(await audited("journey.update", "cli-sleeper")).toBe(2);
    expect(await audited("journey.update", "cli-idle")).toBe(1);
    await hogsend(["journeys", "reset", "cli-idle"]);
  });

  it("enrolls a contact by hand, refuses a second live enrollment, then cancels it by contact", async () => {
    const email = `enroll.${randomUUID().slice(0, 8)}@example.test`;
    const contact = await upsertContact(api.client.db.db, { email });
    const enrolled = await hogsend([
      "journeys",
      "enroll",
      "cli-sleeper",
      email,
      "--prop",
      "plan=pro",
      "--json",
    ]);
    expect(enrolled.code, enrolled.output).toBe(EXIT.OK);
    const { runId, contactId } = JSON.parse(enrolled.output.slice(enrolled.output.indexOf("{"))) as {
      runId: string;
      contactId: string;
    };
    expect(contactId).toBe(contact.id);
    // The worker runs it: the enrollment appears, waiting in its sleep.
    const state = await eventually("the enrolled run to wait in its sleep", async () => {
      const [row] = await api.client.db.sql<{ id: string; status: string; hatchet_run_id: string }[]>`
        select id, status, hatchet_run_id from journey_states where contact_id = ${contact.id}`;
      return row?.status === "waiting" && row;
    });
    expect(state).toMatchObject({ status: "waiting", hatchet_run_id: runId });
    expect(await audited("journey.enroll", "cli-sleeper")).toBeGreaterThanOrEqual(1);

    const again = await hogsend(["journeys", "enroll", "cli-sleeper", contact.id]);
    expect(again.code).toBe(EXIT.DATA);
    expect(again.output).toContain("already active");

    const cancelled = await hogsend(["journeys", "cancel", "cli-sleeper", email]);
    expect(cancelled.code, cancelled.output).toBe(EXIT.OK);
    expect(cancelled.output).toContain(`cancelled enrollment ${state.id}`);
    const [after] = await api.client.db.sql<{ status: string; exit_reason: string }[]>`
      select status, exit_reason from journey_states where id = ${state.id}`;
    expect(after).toEqual({ status: "exited", exit_reason: "cancelled by system" });
    // By its id now: it has ended, and the refusal says so.
    const ended = await hogsend(["journeys", "cancel", "cli-sleeper", state.id]);
    expect(ended.code).toBe(EXIT.DATA);
    expect(ended.output).toContain("has already ended: it is exited");
  });

  it("names the closest journey for a typo, and refuses bad arguments with usage", async () => {
    const typo = await hogsend(["journeys", "disable", "cli-sleepr"]);
    expect(typo.code).toBe(EXIT.DATA);
    expect(typo.output).toContain("did you mean cli-sleeper?");
    const noContact = await hogsend(["journeys", "enroll", "cli-sleeper", "nobody@example.test"]);
    expect([noContact.code, noContact.output.includes("no contact nobody@example.test")]).toEqual([
      EXIT.DATA,
      true,
    ]);
    const missing = await hogsend(["journeys", "enroll", "cli-sleeper"]);
    expect(missing.code).toBe(EXIT.USAGE);
    expect(missing.output).toContain("takes a journey id and a contact");
    const typoCommand = await hogsend(["journeys", "lst"]);
    expect([typoCommand.code, typoCommand.output.includes("did you mean journeys list?")]).toEqual([
      EXIT.USAGE,
      true,
    ]);
    const typoGroup = await hogsend(["jounreys", "list"]);
    expect(typoGroup.output).toContain("(did you mean journeys?)");
    const badFlag = await hogsend(["journeys", "list", "--bogus"]);
    expect([badFlag.code, badFlag.output.includes("Usage: hogsend journeys")]).toEqual([EXIT.USAGE, true]);
  });

  it("says which CLI to run when this one was started without the deployment's journeys", async () => {
    const bare = await hogsend(["journeys", "list"], "bare");
    expect(bare.code).toBe(EXIT.USAGE);
    expect(bare.output).toContain("needs this deployment's journeys");
    expect(bare.output).toContain("node apps/api/dist/cli.js");
  });
});

describe("hogsend events send", () => {
  it("stores the event as the api does, queued for the journey it triggers, once per idempotency key", async () => {
    const userId = `u_${randomUUID()}`;
    const args = [
      "events",
      "send",
      "cli_signed_up",
      "--user-id",
      userId,
      "--prop",
      "plan=pro",
      "--prop",
      "seats=3",
    ];
    const sent = await hogsend([
      ...args,
      "--contact-prop",
      "company=Acme",
      "--idempotency-key",
      `k-${userId}`,
    ]);
    expect(sent.code, sent.output).toBe(EXIT.OK);
    expect(sent.output).toMatch(
      /^stored event [0-9a-f-]{36} for contact [0-9a-f-]{36}, queued for the journeys it triggers/m,
    );
    const [event] = await api.client.db.sql<{ source: string; properties: unknown; push_state: string }[]>`
      select source, properties, push_state from user_events where user_key in
        (select id::text from contacts where external_id = ${userId})`;
    expect(event).toMatchObject({ source: "cli", properties: { plan: "pro", seats: 3 } });
    // The running worker's pusher (woken by the write's NOTIFY) carries it to Hatchet, which enrolls.
    await eventually("the event's enrollment", async () => {
      const [row] = await api.client.db.sql<{ n: number }[]>`
        select count(*)::int as n from journey_states s join contacts c on c.id = s.contact_id
        where c.external_id = ${userId} and s.journey_id = 'cli-sleeper'`;
      return row?.n === 1;
    });
    const [contact] = await api.client.db.sql<{ properties: unknown }[]>`
      select properties from contacts where external_id = ${userId}`;
    expect(contact?.properties).toEqual({ company: "Acme" });

    const replay = await hogsend([...args, "--idempotency-key", `k-${userId}`]);
    expect(replay.output).toContain("already stored event");
    const [count] = await api.client.db.sql<{ n: number }[]>`
      select count(*)::int as n from user_events where idempotency_key = ${`k-${userId}`}`;
    expect(count?.n).toBe(1);
  });

  it("refuses an event the api would refuse, naming each flag, and stores nothing", async () => {
    const reserved = await hogsend(["events", "send", "email.opened", "--user-id", "u_1"]);
    expect(reserved.code).toBe(EXIT.DATA);
    expect(reserved.output).toContain("<name>: the email. and journey. namespaces are reserved");
    const anonymous = await hogsend(["events", "send", "cli_signed_up", "--timestamp", "yesterday"]);
    expect(anonymous.code).toBe(EXIT.DATA);
    expect(anonymous.output).toContain("--user-id: one of userId, email or anonymousId is required");
    expect(anonymous.output).toContain("--timestamp:");
    const badProps = await hogsend(["events", "send", "x", "--user-id", "u", "--properties", "[]"]);
    expect(badProps.code).toBe(EXIT.USAGE);
    const [count] = await api.client.db.sql<{ n: number }[]>`
      select count(*)::int as n from user_events where source = 'cli' and event in ('email.opened', 'x')`;
    expect(count?.n).toBe(0);
  });
});
