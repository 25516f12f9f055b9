import type { ContactTuple, EventRow } from "@hogsend/db";

/** The event half of a write: what is stored, and how Hatchet and exitOn treat it. */
export interface EventToWrite {
  id: string;
  name: string;
  properties: Record<string, unknown>;
  source: string;
  idempotencyKey: string;
  occurredAt: Date;
  consumable: boolean;
  exitJourneys?: readonly string[] | undefined;
}

/** One caller's write: an event from outside under an identity to resolve, or one about a known contact. */
export type WriteRequest =
  | {
      kind: "identify";
      identity: {
        externalId?: string | undefined;
        email?: string | undefined;
        anonymousId?: string | undefined;
      };
      /** False: the email may fill a contact's empty email but never replace one (see ContactTuple). */
      emailTrusted: boolean;
      contactProperties?: Record<string, unknown> | undefined;
      event: EventToWrite;
    }
  | { kind: "known"; contactId: string; event: EventToWrite };

export interface WritePlan {
  contacts: ContactTuple[];
  events: EventRow[];
  /** Request index → its tuple index, for requests in the batch statement. */
  tupleOf: Map<number, number>;
  /**
   * Requests whose identities overlap another request's differently (say `{userId}` and
   * `{userId, email}` in one batch): their order decides the merge, so they are written one by
   * one, in arrival order, after the batch.
   */
  oneByOne: number[];
  /** Request index → the earlier request in this batch with the same idempotency key. */
  replayOf: Map<number, number>;
}

const identityValues = (r: Extract<WriteRequest, { kind: "identify" }>) =>
  [
    r.identity.externalId !== undefined ? `u:${r.identity.externalId}` : undefined,
    r.identity.email !== undefined ? `e:${r.identity.email.toLowerCase()}` : undefined,
    r.identity.anonymousId !== undefined ? `a:${r.identity.anonymousId}` : undefined,
  ].filter((v): v is string => v !== undefined);

/**
 * Turns concurrent requests into one batch: one contact tuple per distinct identity (its
 * requests' contact properties merged in arrival order, seen at the latest), one event row per
 * request. Requests that share an identity value are grouped (union-find); a group whose members
 * name the same identity becomes one tuple, any other group is written one by one. Pure, so
 * the grouping is unit-tested apart from the database.
 */
export function planWrites(requests: readonly WriteRequest[], newId: () => string): WritePlan {
  const replayOf = new Map<number, number>();
  const firstByKey = new Map<string, number>();
  const primaries: number[] = [];
  requests.forEach((r, i) => {
    const first = firstByKey.get(r.event.idempotencyKey);
    if (first === undefined) {
      firstByKey.set(r.event.idempotencyKey, i);
      primaries.push(i);
    } else replayOf.set(i, first);
  });

  // Union-find over identity values: requests meet when they share one.
  const parent = new Map<string, string>();
  const find = (v: string): string => {
    const p = parent.get(v) ?? v;
    if (p === v) return v;
    const root = find(p);
    parent.set(v, root);
    return root;
  };
  for (const i of primaries) {
    const r = requests[i];
    if (r?.kind !== "identify") continue;
    const [first, ...rest] = identityValues(r);
    if (first === undefined) continue;
    for (const v of rest) parent.set(find(v), find(first));
  }

  const groups = new Map<string, number[]>();
  const tupleOf = new Map<number, number>();
  const contacts: ContactTuple[] = [];
  const knownTuple = new Map<string, number>();
  for (const i of primaries) {
    const r = requests[i];
    if (!r) continue;
    if (r.kind === "known") {
      let t = knownTuple.get(r.contactId);
      if (t === undefined) {
        t = contacts.push({ knownId: r.contactId, seenAt: r.event.occurredAt }) - 1;
        knownTuple.set(r.contactId, t);
      }
      tupleOf.set(i, t);
      continue;
    }
    const [first] = identityValues(r);
    const root = first === undefined ? `none:${i}` : find(first);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  }

  const oneByOne: number[] = [];
  for (const members of groups.values()) {
    const signatures = new Set(
      members.map((i) =>
        identityValues(requests[i] as Extract<WriteRequest, { kind: "identify" }>).join("|"),
      ),
    );
    if (signatures.size > 1) {
      oneByOne.push(...members);
      continue;
    }
    const rs = members.map((i) => requests[i] as Extract<WriteRequest, { kind: "identify" }>);
    const [head] = rs;
    if (!head) continue;
    const t =
      contacts.push({
        newId: newId(),
        externalId: head.identity.externalId,
        email: head.identity.email,
        // The same email in every member: one trusted sender is enough to let it replace.
        emailTrusted: rs.some((r) => r.emailTrusted),
        anonymousId: head.identity.anonymousId,
        properties: Object.assign({}, ...rs.map((r) => r.contactProperties ?? {})),
        seenAt: new Date(Math.max(...rs.map((r) => r.event.occurredAt.getTime()))),
      }) - 1;
    for (const i of members) tupleOf.set(i, t);
  }
  oneByOne.sort((a, b) => a - b);

  const events: EventRow[] = [];
  for (const [i, t] of tupleOf) {
    const r = requests[i];
    if (r) events.push(eventRow(r.event, t));
  }
  return { contacts, events, tupleOf, oneByOne, replayOf };
}

/** A single request as its own batch: the one-by-one path and the retry after a failed batch. */
export function planOne(request: WriteRequest, newId: () => string): Pick<WritePlan, "contacts" | "events"> {
  const contacts: ContactTuple[] =
    request.kind === "known"
      ? [{ knownId: request.contactId, seenAt: request.event.occurredAt }]
      : [
          {
            newId: newId(),
            ...request.identity,
            emailTrusted: request.emailTrusted,
            properties: request.contactProperties ?? {},
            seenAt: request.event.occurredAt,
          },
        ];
  return { contacts, events: [eventRow(request.event, 0)] };
}

function eventRow(e: EventToWrite, contact: number): EventRow {
  return {
    contact,
    id: e.id,
    event: e.name,
    properties: e.properties,
    source: e.source,
    idempotencyKey: e.idempotencyKey,
    occurredAt: e.occurredAt,
    consumable: e.consumable,
    exitJourneys: e.exitJourneys,
  };
}
