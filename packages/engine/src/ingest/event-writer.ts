import { randomUUID } from "node:crypto";
import { type DbHandle, type EventWriteResult, type WrittenContact, writeEvents } from "@hogsend/db";
import { createGroupCommit, type GroupCommitOptions } from "./group-commit.js";
import { planOne, planWrites, type WriteRequest } from "./write-plan.js";

/** One caller's outcome, once its row is committed. */
export type WriteOutcome =
  | { missingContact: true }
  | {
      missingContact: false;
      contact: WrittenContact & { id: string };
      /** False for a replayed idempotency key: nothing was stored. */
      stored: boolean;
      /** Stored and queued for Hatchet (a journey can consume it). */
      queued: boolean;
      /** Hatchet runs of the enrollments this event ended (exitOn), to cancel. */
      exitedRunIds: string[];
    };

const UNIQUE_VIOLATION = "23505";
const FOREIGN_KEY_VIOLATION = "23503";
type Sql = DbHandle["sql"];
const codeOf = (err: unknown) => (err as { code?: string }).code;

export interface EventWriter {
  write(request: WriteRequest): Promise<WriteOutcome>;
  /** Resolves when no flush is queued or in flight. */
  idle(): Promise<void>;
}

/**
 * The write path of ingest: requests from concurrent callers are group-committed, one statement
 * (`writeEvents`) per flush and one flush in flight. The few requests that cannot share the
 * statement (overlapping identities in one batch), and every request of a batch whose statement
 * failed, are written one by one, so one bad row or a lost race fails nobody else.
 */
export function createEventWriter(
  sql: Sql,
  options: GroupCommitOptions & { onQueued?: () => void } = {},
): EventWriter {
  const group = createGroupCommit<WriteRequest, WriteOutcome>(async (requests) => {
    const plan = planWrites(requests, randomUUID);
    const outcomes: (WriteOutcome | Error)[] = [];
    let oneByOne = plan.oneByOne;
    if (plan.contacts.length > 0) {
      try {
        const result = await writeEvents(sql, plan);
        for (const [i, t] of plan.tupleOf) {
          const request = requests[i];
          if (request) outcomes[i] = outcomeOf(result, t, request.event.id);
        }
      } catch {
        // A lost race for a new contact, an identity collision, one malformed row: retry each
        // request alone, where the retry knows how to resolve the first two.
        oneByOne = [...plan.tupleOf.keys(), ...plan.oneByOne].sort((a, b) => a - b);
      }
    }
    for (const i of oneByOne) {
      const request = requests[i];
      if (request) outcomes[i] = await writeOne(sql, request).catch((err: Error) => err);
    }
    for (const [i, first] of plan.replayOf) {
      const original = outcomes[first];
      outcomes[i] =
        original && !(original instanceof Error) && !original.missingContact
          ? { ...original, stored: false, queued: false, exitedRunIds: [] }
          : (original ?? new Error("replay of a request with no outcome"));
    }
    if (outcomes.some((o) => o && !(o instanceof Error) && !o.missingContact && o.queued))
      options.onQueued?.();
    return outcomes;
  }, options);
  return { write: (request) => group.submit(request), idle: () => group.idle() };
}

/**
 * One request in its own statement. A new contact that lost its race is found on the next try;
 * an identity change that collides with another contact is dropped (the contact keeps the
 * identity it has), as the one-contact-per-identity indexes require.
 */
async function writeOne(sql: Sql, request: WriteRequest): Promise<WriteOutcome> {
  let keepIdentity = false;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await writeEvents(sql, planOne(request, randomUUID), { keepIdentity });
      return outcomeOf(result, 0, request.event.id);
    } catch (err) {
      const code = codeOf(err);
      if (attempt >= 3 || (code !== UNIQUE_VIOLATION && code !== FOREIGN_KEY_VIOLATION)) throw err;
      if (code === UNIQUE_VIOLATION) keepIdentity = true;
    }
  }
}

function outcomeOf(result: EventWriteResult, tuple: number, eventId: string): WriteOutcome {
  const contact = result.contacts[tuple];
  if (!contact?.id) return { missingContact: true };
  const stored = result.stored.get(eventId);
  return {
    missingContact: false,
    contact: { ...contact, id: contact.id },
    stored: stored !== undefined,
    queued: stored?.queued ?? false,
    exitedRunIds: result.exited.filter((x) => x.eventId === eventId).map((x) => x.runId),
  };
}
