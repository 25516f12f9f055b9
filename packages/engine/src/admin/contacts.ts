import { AppError } from "@hogsend/core";
import {
  type Contact,
  type ContactSend,
  contactById,
  contactTimeline,
  EMAIL_SEND_STATUSES,
  type EmailPreferences,
  listContactSends,
  listContacts,
} from "@hogsend/db";
import { createRoute, z } from "@hono/zod-openapi";
import { requireAccess } from "../access/require-access.js";
import { errorResponses } from "../http/errors.js";
import { pageOf, pageQuery } from "../http/pagination.js";
import type { ApiApp } from "../http/types.js";
import type { HogsendClient } from "../platform/client.js";
import { StoredEventSchema, serializeEvent } from "./events.js";
import { JourneyStateSchema, serializeJourneyState } from "./journeys.js";

/** How much of a contact's history the detail view carries; events page on via /v1/admin/events. */
const TIMELINE_EVENTS = 50;
const TIMELINE_STATES = 100;
const TIMELINE_SENDS = 50;

const AdminContactSchema = z
  .object({
    id: z.uuid(),
    userId: z.string().nullable(),
    email: z.string().nullable(),
    anonymousId: z.string().nullable(),
    properties: z.record(z.string(), z.unknown()),
    firstSeenAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .openapi("AdminContact");

const PreferencesSchema = z
  .object({
    unsubscribedAll: z.boolean(),
    optedOutCategories: z.array(z.string()),
    suppressed: z.boolean(),
    suppressedReason: z.string().nullable(),
    updatedAt: z.iso.datetime(),
  })
  .nullable()
  .openapi("ContactPreferences", { description: "Null: subscribed to everything" });

const ContactSendSchema = z
  .object({
    id: z.uuid(),
    template: z.string(),
    subject: z.string(),
    status: z.enum(EMAIL_SEND_STATUSES),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
    firstOpenedAt: z.iso.datetime().nullable(),
    firstClickedAt: z.iso.datetime().nullable(),
  })
  .openapi("ContactSend");

const ContactDetailSchema = z
  .object({
    contact: AdminContactSchema,
    preferences: PreferencesSchema,
    events: z.array(StoredEventSchema).openapi({ description: `Newest first, at most ${TIMELINE_EVENTS}` }),
    eventsNextCursor: z.string().nullable().openapi({
      description: "More events: GET /v1/admin/events?contactId=<id>&cursor=<this>",
    }),
    journeyStates: z
      .array(JourneyStateSchema)
      .openapi({ description: `Enrollments, newest first, at most ${TIMELINE_STATES}` }),
    sends: z.array(ContactSendSchema).openapi({
      description: `Emails to the contact, newest first, at most ${TIMELINE_SENDS}; more: GET /v1/admin/emails?contactId=<id>`,
    }),
  })
  .openapi("ContactDetail");

function serializeContact(contact: Contact): z.infer<typeof AdminContactSchema> {
  return {
    id: contact.id,
    userId: contact.externalId,
    email: contact.email,
    anonymousId: contact.anonymousId,
    properties: contact.properties,
    firstSeenAt: contact.firstSeenAt.toISOString(),
    lastSeenAt: contact.lastSeenAt.toISOString(),
    createdAt: contact.createdAt.toISOString(),
    deletedAt: contact.deletedAt?.toISOString() ?? null,
  };
}

function serializeSend(send: ContactSend): z.infer<typeof ContactSendSchema> {
  return {
    id: send.id,
    template: send.template,
    subject: send.subject,
    status: send.status,
    createdAt: send.createdAt.toISOString(),
    sentAt: send.sentAt?.toISOString() ?? null,
    firstOpenedAt: send.firstOpenedAt?.toISOString() ?? null,
    firstClickedAt: send.firstClickedAt?.toISOString() ?? null,
  };
}

function serializePreferences(prefs: EmailPreferences | undefined): z.infer<typeof PreferencesSchema> {
  if (!prefs) return null;
  return {
    unsubscribedAll: prefs.unsubscribedAll,
    optedOutCategories: prefs.optedOutCategories,
    suppressed: prefs.suppressed,
    suppressedReason: prefs.suppressedReason,
    updatedAt: prefs.updatedAt.toISOString(),
  };
}

const listRoute = createRoute({
  method: "get",
  path: "/v1/admin/contacts",
  tags: ["Admin"],
  summary: "Search contacts, most recently seen first",
  description:
    "Deleted contacts are left out. Ordered by last activity: a contact seen while you page moves to the top.",
  middleware: [requireAccess("read")] as const,
  request: {
    query: z.object({
      ...pageQuery,
      search: z.string().trim().min(1).max(320).optional().openapi({
        description: "Part of an email or user id (any case), or an exact anonymous id or contact id",
      }),
      property: z
        .string()
        .regex(/^[^=]{1,200}=[\s\S]{0,1000}$/, "must be key=value")
        .optional()
        .openapi({
          description:
            "Only contacts whose property equals a value: `plan=pro`. A value that reads as JSON is " +
            "that JSON (`seats=3`, `trial=true`), else the string as given",
          example: "plan=pro",
        }),
    }),
  },
  responses: {
    200: {
      description: "A page of contacts",
      content: { "application/json": { schema: pageOf(AdminContactSchema) } },
    },
    ...errorResponses(400, 401, 403, 429),
  },
});

const detailRoute = createRoute({
  method: "get",
  path: "/v1/admin/contacts/{id}",
  tags: ["Admin"],
  summary: "One contact with its timeline: events, journey enrollments and sends",
  middleware: [requireAccess("read")] as const,
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: { description: "The contact", content: { "application/json": { schema: ContactDetailSchema } } },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

/** `key=value` as the filter: the value as JSON when it parses, else the string. */
function propertyFilter(text: string): { key: string; value: unknown } {
  const at = text.indexOf("=");
  const raw = text.slice(at + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the string as given.
  }
  return { key: text.slice(0, at), value };
}

export function registerAdminContactRoutes(app: ApiApp, runtime: { client: HogsendClient }) {
  const { client } = runtime;
  const { db } = client.db;

  app.openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await listContacts(db, {
      limit: q.limit,
      cursor: q.cursor,
      search: q.search,
      property: q.property ? propertyFilter(q.property) : undefined,
    });
    return c.json({ items: page.items.map(serializeContact), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(detailRoute, async (c) => {
    const { id } = c.req.valid("param");
    const contact = await contactById(db, id);
    if (!contact) throw new AppError("NOT_FOUND", `No contact ${id}`);
    const [timeline, sends] = await Promise.all([
      contactTimeline(db, contact.id, { eventLimit: TIMELINE_EVENTS, stateLimit: TIMELINE_STATES }),
      listContactSends(db, contact.id, { limit: TIMELINE_SENDS }),
    ]);
    return c.json(
      {
        contact: serializeContact(contact),
        preferences: serializePreferences(timeline.preferences),
        events: timeline.events.items.map(serializeEvent),
        eventsNextCursor: timeline.events.nextCursor,
        journeyStates: timeline.journeyStates.items.map(serializeJourneyState),
        sends: sends.map(serializeSend),
      },
      200,
    );
  });
}
