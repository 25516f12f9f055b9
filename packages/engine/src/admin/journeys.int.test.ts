import { randomUUID } from "node:crypto";
import { getFreePort } from "@hogsend/devstack";
import { eventually } from "@hogsend/devstack/testing";
import { describe, expect, it } from "vitest";
import { defineJourney } from "../journeys/define-journey.js";
import { createApp } from "../runtime/create-app.js";
import { setupTestApp, testClient, testRuntime } from "../testing.js";

/** Two journeys on one trigger: enrolling in one must not start the other. */
const sleeper = defineJourney({
  meta: {
    id: "adm-sleeper",
    name: "Admin test sleeper",
    enabled: true,
    trigger: { event: "adm_signed_up" },
    entryLimit: "unlimited",
  },
  async run(_user, ctx) {
    await ctx.sleep("10m");
  },
});
const sibling = defineJourney({
  meta: {
    id: "adm-sibling",
    name: "Admin test sibling",
    enabled: true,
    trigger: { event: "adm_signed_up" },
    entryLimit: "unlimited",
  },
  async run(_user, ctx) {
    await ctx.sleep("10m");
  },
});
const proOnly = defineJourney({
  meta: {
    id: "adm-pro-only",
    name: "Admin test pro only",
    enabled: true,
    trigger: { event: "adm_upgraded", where: [{ property: "plan", op: "eq", value: "pro" }] },
    entryLimit: "once",
    category: "product",
  },
  async run(_user, ctx) {
    await ctx.sleep("10m");
  },
});
/** Never triggered by any test: its counts stay zero. */
const idle = defineJourney({
  meta: {
    id: "adm-idle",
    name: "Admin test idle",
    enabled: false,
    trigger: { event: "adm_never" },
    entryLimit: "unlimited",
  },
  async run() {},
});
const journeys = [sleeper, sibling, proOnly, idle];

const ADMIN_KEY = `adm_${randomUUID()}${randomUUID()}`;
const api = setupTestApp({
  env: { ADMIN_API_KEY: ADMIN_KEY },
  content: { journeys },
  keys: ["ingest", "read"],
  worker: { name: "admin-journeys-test", slots: 10 },
});

function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  key = ADMIN_KEY,
) {
  return api.request(path, { method, body, headers, key });
}

/** A contact with no events at all, so nothing but the test's own action enrolls it. */
async function newContact() {
  const userId = `u_${randomUUID()}`;
  const res = await call(
    "PUT",
    "/v1/contacts",
    { userId, email: `${userId}@example.com` },
    {},
    api.keys.ingest,
  );
  expect(res.status).toBe(200);
  return { userId, contactId: ((await res.json()) as { id: string }).id };
}

const statesOf = (contactId: string, journeyId: string) =>
  api.client.db.sql<
    {
      id: string;
      status: string;
      hatchet_run_id: string;
      trigger_event_id: string;
      exit_reason: string | null;
    }[]
  >`select * from journey_states where user_key = ${contactId} and journey_id = ${journeyId}`;
const waitingState = (contactId: string, journeyId: string) =>
  eventually(`${journeyId} to be waiting`, async () => {
    const [state] = await statesOf(contactId, journeyId);
    return state?.status === "waiting" && state;
  });

type Journey = {
  id: string;
  enabled: boolean;
  enabledInCode: boolean;
  override: { enabled: boolean | null; updatedBy: string | null } | null;
  counts: Record<string, number>;
};
type Enrollment = { eventId: string; contactId: string; runId: string; duplicate: boolean };
type ErrorBody = { error: { code: string; message: string; details?: { reason?: string; status?: string } } };

describe("admin journeys: auth and unknown ids", () => {
  it("answers 401 without credentials, 403 to an ingest key, and lets a read key read but not act", async () => {
    expect((await api.app.request("/v1/admin/journeys")).status).toBe(401);
    expect((await call("GET", "/v1/admin/journeys", undefined, {}, api.keys.ingest)).status).toBe(403);
    expect(
      (await call("GET", "/v1/admin/journeys/adm-sleeper/states", undefined, {}, api.keys.ingest)).status,
    ).toBe(403);
    expect((await call("GET", "/v1/admin/journeys", undefined, {}, api.keys.read)).status).toBe(200);
    expect(
      (await call("PATCH", "/v1/admin/journeys/adm-sleeper", { enabled: false }, {}, api.keys.read)).status,
    ).toBe(403);
    const { contactId } = await newContact();
    expect(
      (await call("POST", "/v1/admin/journeys/adm-sleeper/enroll", { contactId }, {}, api.keys.read)).status,
    ).toBe(403);
    expect(
      (
        await call(
          "DELETE",
          `/v1/admin/journeys/adm-sleeper/states/${randomUUID()}`,
          undefined,
          {},
          api.keys.ingest,
        )
      ).status,
    ).toBe(403);
    expect(await statesOf(contactId, "adm-sleeper")).toHaveLength(0);
  });

  it("answers 404 naming the unknown journey (with a suggestion) on every route", async () => {
    const { contactId } = await newContact();
    const responses = await Promise.all([
      call("GET", "/v1/admin/journeys/adm-sleepr/states"),
      call("PATCH", "/v1/admin/journeys/adm-sleepr", { enabled: false }),
      call("DELETE", `/v1/admin/journeys/adm-sleepr/states/${randomUUID()}`),
      call("POST", "/v1/admin/journeys/adm-sleepr/enroll", { contactId }),
    ]);
    for (const res of responses) {
      expect(res.status).toBe(404);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.message).toContain('No journey "adm-sleepr" (did you mean adm-sleeper?)');
    }
    const configs = await api.client.db.sql`select 1 from journey_configs where journey_id = 'adm-sleepr'`;
    expect(configs).toHaveLength(0);
  });
});

describe("GET /v1/admin/journeys", () => {
  it("lists the journeys in code with their override and zero counts when nothing enrolled", async () => {
    const res = await call("GET", "/v1/admin/journeys");
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as {
      items: (Journey & { trigger: unknown; category: string | null })[];
    };
    expect(items.map((j) => j.id)).toEqual(["adm-sleeper", "adm-sibling", "adm-pro-only", "adm-idle"]);
    expect(items.find((j) => j.id === "adm-idle")).toMatchObject({
      enabled: false,
      enabledInCode: false,
      override: null,
      counts: { active: 0, waiting: 0, completed: 0, failed: 0, exited: 0 },
    });
    expect(items.find((j) => j.id === "adm-pro-only")).toMatchObject({
      trigger: { event: "adm_upgraded", where: [{ property: "plan", op: "eq", value: "pro" }] },
      category: "product",
    });
  });
});

describe("PATCH /v1/admin/journeys/:id", () => {
  it("disables a journey at once: the next trigger event does not enroll it; null hands control back to code", async () => {
    const disabled = await call("PATCH", "/v1/admin/journeys/adm-sibling", { enabled: false });
    expect(disabled.status).toBe(200);
    expect(await disabled.json()).toMatchObject({
      id: "adm-sibling",
      enabled: false,
      enabledInCode: true,
      override: { enabled: false, updatedBy: "admin-key" },
    });
    try {
      const { userId, contactId } = await newContact();
      const res = await call("POST", "/v1/events", { name: "adm_signed_up", userId }, {}, api.keys.ingest);
      expect(res.status).toBe(202);
      // The other journey on the same trigger enrolls; the disabled one records why it did not.
      await waitingState(contactId, "adm-sleeper");
      await eventually("the sibling's skip", async () => {
        const rows = await api.client.db.sql`
          select message from journey_logs
          where user_key = ${contactId} and journey_id = 'adm-sibling' and kind = 'skipped'`;
        return rows.length === 1 && rows;
      });
      expect(await statesOf(contactId, "adm-sibling")).toHaveLength(0);

      // Manual enrollment meets the same guard, before anything is stored.
      const refused = await call("POST", "/v1/admin/journeys/adm-sibling/enroll", { contactId });
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as ErrorBody).error.details?.reason).toBe("disabled by operator");
    } finally {
      const reset = await call("PATCH", "/v1/admin/journeys/adm-sibling", { enabled: null });
      expect(reset.status).toBe(200);
      expect(await reset.json()).toMatchObject({ enabled: true, override: { enabled: null } });
    }
    const audit = await api.client.db.sql`
      select action, actor_type, metadata from audit_logs where resource_id = 'adm-sibling' order by seq`;
    expect(audit.map((a) => [a.action, a.actor_type, (a.metadata as { enabled: unknown }).enabled])).toEqual([
      ["journey.update", "admin_key", false],
      ["journey.update", "admin_key", null],
    ]);
  }, 60_000);

  it("refuses a body without enabled, or with fields it cannot change, and changes nothing", async () => {
    for (const body of [{}, { enabled: "no" }, { enabled: true, name: "x" }]) {
      const res = await call("PATCH", "/v1/admin/journeys/adm-idle", body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code).toBe("VALIDATION_FAILED");
    }
    expect(await api.client.db.sql`select 1 from journey_configs where journey_id = 'adm-idle'`).toHaveLength(
      0,
    );
  });
});

describe("POST /v1/admin/journeys/:id/enroll", () => {
  it("starts only the named journey for the contact, once per Idempotency-Key", async () => {
    const { userId, contactId } = await newContact();
    const idem = `enroll-${randomUUID()}`;
    const res = await call(
      "POST",
      "/v1/admin/journeys/adm-sleeper/enroll",
      { userId, properties: { reason: "support ticket" } },
      { "idempotency-key": idem },
    );
    expect(res.status).toBe(202);
    const enrolled = (await res.json()) as Enrollment;
    expect(enrolled).toMatchObject({ contactId, duplicate: false });

    const state = await waitingState(contactId, "adm-sleeper");
    expect(state).toMatchObject({ hatchet_run_id: enrolled.runId, trigger_event_id: enrolled.eventId });
    // The run names its event without reading it back: the manual enrollment's, not the trigger's.
    const entered = await api.client.db.sql`
      select message, data from journey_logs where journey_state_id = ${state.id} and kind = 'entered'`;
    expect(entered).toEqual([
      { message: "entered on journey.manual_enrollment", data: { eventId: enrolled.eventId } },
    ]);
    const [event] = await api.client.db.sql`select * from user_events where id = ${enrolled.eventId}`;
    expect(event).toMatchObject({
      event: "journey.manual_enrollment",
      user_key: contactId,
      source: "admin:adm-sleeper",
      properties: { reason: "support ticket" },
    });

    const again = await call(
      "POST",
      "/v1/admin/journeys/adm-sleeper/enroll",
      { userId, properties: { reason: "support ticket" } },
      { "idempotency-key": idem },
    );
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ ...enrolled, duplicate: true });

    // A fresh request while enrolled is refused up front.
    const live = await call("POST", "/v1/admin/journeys/adm-sleeper/enroll", { contactId });
    expect(live.status).toBe(409);
    expect(((await live.json()) as ErrorBody).error.details?.reason).toBe("already active");

    // The sibling on the same trigger event never started, and one event, one state, one audit row
    // exist. A negative check: nothing to poll for, so a bounded wait for a run that must not come.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await statesOf(contactId, "adm-sibling")).toHaveLength(0);
    expect(await statesOf(contactId, "adm-sleeper")).toHaveLength(1);
    expect(await api.client.db.sql`select 1 from user_events where user_key = ${contactId}`).toHaveLength(1);
    const audit = await api.client.db.sql`
      select metadata from audit_logs where action = 'journey.enroll' and metadata->>'contactId' = ${contactId}`;
    expect(audit).toEqual([{ metadata: expect.objectContaining({ runId: enrolled.runId, replay: false }) }]);
  }, 60_000);

  it("checks trigger.where against the given properties: a miss is a 409 that stores nothing", async () => {
    const { contactId, userId } = await newContact();
    const miss = await call("POST", "/v1/admin/journeys/adm-pro-only/enroll", {
      contactId,
      properties: { plan: "free" },
    });
    expect(miss.status).toBe(409);
    const body = (await miss.json()) as ErrorBody;
    expect(body.error.details?.reason).toBe("trigger.where not met");
    expect(body.error.message).toContain("adm-pro-only");
    expect(await api.client.db.sql`select 1 from user_events where user_key = ${contactId}`).toHaveLength(0);

    const hit = await call("POST", "/v1/admin/journeys/adm-pro-only/enroll", {
      email: `${userId}@EXAMPLE.com`,
      properties: { plan: "pro" },
    });
    expect(hit.status).toBe(202);
    const enrolled = (await hit.json()) as Enrollment;
    expect(enrolled.contactId).toBe(contactId);
    expect(await waitingState(contactId, "adm-pro-only")).toMatchObject({ hatchet_run_id: enrolled.runId });
  }, 60_000);

  it("answers 503 when the engine is down, keeping the event; a retry with the same key starts the run once", async () => {
    const down = testClient({
      DATABASE_URL: api.database.url,
      ADMIN_API_KEY: ADMIN_KEY,
      HATCHET_CLIENT_HOST_PORT: `127.0.0.1:${await getFreePort()}`,
    });
    try {
      const downApp = createApp(testRuntime(down, { journeys }));
      const { contactId } = await newContact();
      const idem = `enroll-${randomUUID()}`;
      const request = () =>
        ({
          method: "POST",
          body: JSON.stringify({ contactId }),
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${ADMIN_KEY}`,
            "idempotency-key": idem,
          },
        }) as const;
      const failed = await downApp.request("/v1/admin/journeys/adm-sleeper/enroll", request());
      expect(failed.status).toBe(503);
      expect(((await failed.json()) as ErrorBody).error.message).toContain("same Idempotency-Key");
      const [stored] = await api.client.db.sql<
        { id: string }[]
      >`select id from user_events where user_key = ${contactId}`;
      expect(stored).toBeDefined();

      const retried = await api.app.request("/v1/admin/journeys/adm-sleeper/enroll", request());
      expect(retried.status).toBe(202);
      const enrolled = (await retried.json()) as Enrollment;
      expect(enrolled).toMatchObject({ eventId: stored?.id, contactId, duplicate: true });
      expect(await waitingState(contactId, "adm-sleeper")).toMatchObject({
        hatchet_run_id: enrolled.runId,
        trigger_event_id: stored?.id,
      });
      // Once started, a further replay reports that run instead of starting another.
      const replay = await api.app.request("/v1/admin/journeys/adm-sleeper/enroll", request());
      expect(await replay.json()).toEqual(enrolled);
    } finally {
      await down.close();
    }
  }, 60_000);

  it("answers 404 for an unknown contact and 400 unless exactly one identity is given", async () => {
    const unknown = await call("POST", "/v1/admin/journeys/adm-sleeper/enroll", {
      userId: `u_${randomUUID()}`,
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.message).toMatch(/^No contact with user id/);
    for (const body of [{}, { contactId: randomUUID(), email: "a@example.com" }, { contactId: "nope" }]) {
      const res = await call("POST", "/v1/admin/journeys/adm-sleeper/enroll", body);
      expect(res.status).toBe(400);
    }
    const none = (await (await call("POST", "/v1/admin/journeys/adm-sleeper/enroll", {})).json()) as {
      error: { details: { fields: { field: string }[] } };
    };
    expect(none.error.details.fields.map((f) => f.field).sort()).toEqual(["contactId", "email", "userId"]);
  });
});

describe("GET states and DELETE /v1/admin/journeys/:id/states/:stateId", () => {
  it("cancels a live enrollment and its run; a second cancel is a 409 naming the status", async () => {
    const { contactId } = await newContact();
    const enroll = await call("POST", "/v1/admin/journeys/adm-sleeper/enroll", { contactId });
    expect(enroll.status).toBe(202);
    const { runId } = (await enroll.json()) as Enrollment;
    const state = await waitingState(contactId, "adm-sleeper");

    const listed = (await (
      await call(
        "GET",
        "/v1/admin/journeys/adm-sleeper/states?status=waiting&limit=200",
        undefined,
        {},
        api.keys.read,
      )
    ).json()) as { items: { id: string; status: string }[] };
    expect(listed.items.map((s) => s.id)).toContain(state.id);
    expect(listed.items.every((s) => s.status === "waiting")).toBe(true);

    // Another journey's path does not reach this state.
    expect((await call("DELETE", `/v1/admin/journeys/adm-sibling/states/${state.id}`)).status).toBe(404);
    expect((await call("DELETE", `/v1/admin/journeys/adm-sleeper/states/${randomUUID()}`)).status).toBe(404);

    const cancel = await call("DELETE", `/v1/admin/journeys/adm-sleeper/states/${state.id}`);
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toMatchObject({
      state: { id: state.id, status: "exited", exitReason: "cancelled by admin-key", hatchetRunId: runId },
      runCancelled: true,
    });
    expect((await statesOf(contactId, "adm-sleeper"))[0]).toMatchObject({
      status: "exited",
      exit_reason: "cancelled by admin-key",
    });
    await eventually(
      "the cancelled run",
      async () => (await api.client.hatchet.runs.get_status(runId)) === "CANCELLED",
    );

    const again = await call("DELETE", `/v1/admin/journeys/adm-sleeper/states/${state.id}`);
    expect(again.status).toBe(409);
    const body = (await again.json()) as ErrorBody;
    expect(body.error.code).toBe("CONFLICT");
    expect(body.error.details?.status).toBe("exited");
    const audit = await api.client.db.sql`
      select action from audit_logs where resource_type = 'journey_state' and resource_id = ${state.id}`;
    expect(audit).toEqual([{ action: "journey_state.cancel" }]);

    const counts = (await (await call("GET", "/v1/admin/journeys")).json()) as { items: Journey[] };
    expect(counts.items.find((j) => j.id === "adm-sleeper")?.counts.exited).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it("serves one enrollment with its step log to a read key, and 404s another journey's or an unknown one", async () => {
    const { contactId } = await newContact();
    const enroll = await call("POST", "/v1/admin/journeys/adm-sleeper/enroll", { contactId });
    expect(enroll.status).toBe(202);
    const state = await waitingState(contactId, "adm-sleeper");
    const path = `/v1/admin/journeys/adm-sleeper/states/${state.id}`;
    // The sleep's line is written when the run starts sleeping, just after the state turns waiting.
    const detail = await eventually("the sleep logged", async () => {
      const res = await call("GET", path, undefined, {}, api.keys.read);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        state: { id: string; status: string; waitDeadline: string | null };
        waitingFor: string | null;
        logs: { kind: string; message: string | null; data: Record<string, unknown> }[];
        moreLogs: boolean;
      };
      return body.logs.some((l) => l.kind === "sleep") && body;
    });
    expect(detail.state).toMatchObject({ id: state.id, status: "waiting" });
    expect(detail.waitingFor).toBeNull();
    expect(detail.moreLogs).toBe(false);
    expect(detail.logs.map((l) => l.kind)).toEqual(["entered", "sleep"]);
    const until = Date.parse(String(detail.logs[1]?.data.until));
    expect(until - Date.now()).toBeGreaterThan(9 * 60_000);

    expect((await call("GET", path, undefined, {}, api.keys.ingest)).status).toBe(403);
    expect((await call("GET", `/v1/admin/journeys/adm-sibling/states/${state.id}`)).status).toBe(404);
    const unknown = await call("GET", `/v1/admin/journeys/adm-sleeper/states/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.code).toBe("NOT_FOUND");
    expect((await call("GET", "/v1/admin/journeys/adm-sleeper/states/not-a-uuid")).status).toBe(400);
    expect((await call("GET", `/v1/admin/journeys/no-such/states/${state.id}`)).status).toBe(404);
    await call("DELETE", path);
  }, 60_000);

  it("refuses a bad status filter or cursor with 400", async () => {
    expect((await call("GET", "/v1/admin/journeys/adm-sleeper/states?status=sleeping")).status).toBe(400);
    expect((await call("GET", "/v1/admin/journeys/adm-sleeper/states?cursor=abc")).status).toBe(400);
  });
});

describe("OpenAPI", () => {
  it("documents every admin route for contacts, events and journeys, with how enroll treats trigger.where", async () => {
    const spec = (await (await api.app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { description?: string; parameters?: { name: string }[] }>>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        "/v1/admin/contacts",
        "/v1/admin/contacts/{id}",
        "/v1/admin/events",
        "/v1/admin/journeys",
        "/v1/admin/journeys/{id}",
        "/v1/admin/journeys/{id}/states",
        "/v1/admin/journeys/{id}/states/{stateId}",
        "/v1/admin/journeys/{id}/enroll",
      ]),
    );
    expect(spec.paths["/v1/admin/journeys/{id}/enroll"]?.post?.description).toContain("trigger.where");
    expect(spec.paths["/v1/admin/contacts"]?.get?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(["limit", "cursor", "search"]),
    );
  });
});
