import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@hogsend/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "../client.js";
import { upsertContact } from "./contacts.js";
import { enterJourney, readEnrollment } from "./enrollment.js";
import { finishJourneyState, setJourneyEnabled } from "./journeys.js";
import { updateEmailPreferences } from "./preferences.js";

let database: TestDatabase;
let handle: DbHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = createDb(database.url, { max: 4 });
});
afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

const journeyId = () => `j-${randomUUID().slice(0, 8)}`;
const newContact = () => upsertContact(handle.db, { externalId: `u_${randomUUID()}` });

function entry(contactId: string, journey: string, runId = `run-${randomUUID()}`) {
  return {
    journeyId: journey,
    userKey: contactId,
    contactId,
    hatchetRunId: runId,
    triggerEventId: randomUUID(),
    entryCount: 1,
    message: "entered on signed_up",
  };
}

const logsOf = (runId: string) =>
  handle.sql<{ kind: string; message: string; data: unknown; journey_state_id: string }[]>`
    select kind, message, data, journey_state_id from journey_logs where idempotency_key like ${`${runId}:%`}`;

describe("readEnrollment", () => {
  it("is undefined for a contact that does not exist", async () => {
    expect(
      await readEnrollment(handle.db, { contactId: randomUUID(), journeyId: journeyId() }),
    ).toBeUndefined();
  });

  it("reads a first entry's facts: no state, no history, subscribed, no override", async () => {
    const contact = await newContact();
    const read = await readEnrollment(handle.db, {
      contactId: contact.id,
      journeyId: journeyId(),
      hatchetRunId: `run-${randomUUID()}`,
    });
    expect(read).toEqual({
      contact,
      state: undefined,
      configEnabled: null,
      entries: { count: 0, latestStartedAt: undefined },
      live: undefined,
      unsubscribedAll: false,
    });
  });

  it("reads the override, the preferences, the history, the live enrollment and this run's state", async () => {
    const contact = await newContact();
    const journey = journeyId();
    await setJourneyEnabled(handle.db, journey, false, "test");
    await updateEmailPreferences(handle.db, contact.id, { unsubscribedAll: true });
    const first = await enterJourney(handle.db, entry(contact.id, journey));
    if (!first) throw new Error("first entry refused");
    await finishJourneyState(handle.db, first.id, { status: "completed" });
    const second = await enterJourney(handle.db, { ...entry(contact.id, journey), entryCount: 2 });
    if (!second) throw new Error("second entry refused");

    const replay = await readEnrollment(handle.db, {
      contactId: contact.id,
      journeyId: journey,
      hatchetRunId: second.hatchetRunId,
    });
    expect(replay).toMatchObject({
      contact: { id: contact.id },
      state: second,
      configEnabled: false,
      entries: { count: 2, latestStartedAt: second.startedAt },
      live: { id: second.id, status: "active" },
      unsubscribedAll: true,
    });
    // Another journey's and another user's history do not count.
    expect(
      (await readEnrollment(handle.db, { contactId: contact.id, journeyId: journeyId() }))?.entries.count,
    ).toBe(0);
    expect(
      (await readEnrollment(handle.db, { contactId: (await newContact()).id, journeyId: journey }))?.live,
    ).toBe(undefined);
  });
});

describe("enterJourney", () => {
  it("writes the state and its entered log together", async () => {
    const contact = await newContact();
    const input = entry(contact.id, journeyId());
    const state = await enterJourney(handle.db, input);
    expect(state).toMatchObject({
      journeyId: input.journeyId,
      userKey: contact.id,
      contactId: contact.id,
      hatchetRunId: input.hatchetRunId,
      triggerEventId: input.triggerEventId,
      status: "active",
      currentStep: "entered",
      entryCount: 1,
    });
    expect(state?.startedAt).toBeInstanceOf(Date);
    expect(await logsOf(input.hatchetRunId)).toEqual([
      {
        kind: "entered",
        message: "entered on signed_up",
        data: { eventId: input.triggerEventId },
        journey_state_id: state?.id,
      },
    ]);
  });

  it("writes nothing when the run already enrolled or the user is already live", async () => {
    const contact = await newContact();
    const input = entry(contact.id, journeyId());
    const state = await enterJourney(handle.db, input);
    expect(await enterJourney(handle.db, input)).toBeUndefined();
    const other = { ...input, hatchetRunId: `run-${randomUUID()}` };
    expect(await enterJourney(handle.db, other)).toBeUndefined();
    expect(await logsOf(input.hatchetRunId)).toHaveLength(1);
    expect(await logsOf(other.hatchetRunId)).toHaveLength(0);

    // Once the live enrollment ends, a run of another trigger event enters; another delivery of
    // the same event (Hatchet delivers at least once, each time a new run) still does not.
    if (!state) throw new Error("first entry refused");
    await finishJourneyState(handle.db, state.id, { status: "exited", exitReason: "test" });
    expect(await enterJourney(handle.db, other)).toBeUndefined();
    const next = { ...other, triggerEventId: randomUUID() };
    expect(await enterJourney(handle.db, next)).toMatchObject({ hatchetRunId: next.hatchetRunId });
  });

  it("lets exactly one of many concurrent runs enter", async () => {
    const contact = await newContact();
    const journey = journeyId();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => enterJourney(handle.db, entry(contact.id, journey))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const [entered] =
      await handle.sql`select count(*)::int as n from journey_logs where journey_id = ${journey}`;
    expect(entered?.n).toBe(1);
  });

  it("works on a transaction handle, and rolls back with it", async () => {
    const contact = await newContact();
    const input = entry(contact.id, journeyId());
    await expect(
      handle.db.transaction(async (tx) => {
        expect(await enterJourney(tx, input)).toBeDefined();
        expect((await readEnrollment(tx, { ...input, journeyId: input.journeyId }))?.live).toBeDefined();
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect((await readEnrollment(handle.db, input))?.state).toBeUndefined();
    expect(await logsOf(input.hatchetRunId)).toHaveLength(0);
  });
});
