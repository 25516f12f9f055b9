/**
 * A person's data on request: everything stored about a contact as one document, and the erase
 * that leaves nothing of them but a hash of their address (so marketing cannot reach it again by
 * accident). Both are audited: who exported or erased whom, never what.
 */
import { recordAudit } from "@hogsend/access";
import { AppError } from "@hogsend/core";
import { eraseContact, exportContact, liveRunIdsOf } from "@hogsend/db";
import { createRoute, z } from "@hono/zod-openapi";
import { principalOf, requireAccess } from "../access/require-access.js";
import { clientIp } from "../http/client-ip.js";
import { errorResponses } from "../http/errors.js";
import type { ApiApp } from "../http/types.js";
import { cancelJourneyRuns } from "../journeys/exit-check.js";
import type { HogsendClient } from "../platform/client.js";

const Row = z.record(z.string(), z.unknown());

const ContactExportSchema = z
  .object({
    exportedAt: z.iso.datetime(),
    contact: Row,
    preferences: Row.nullable(),
    events: z.array(Row),
    journeys: z.array(Row.and(z.object({ logs: z.array(Row) }))),
    emails: z.array(Row.and(z.object({ events: z.array(Row), links: z.array(Row) }))),
  })
  .openapi("ContactExport");

const ContactErasedSchema = z
  .object({
    erased: z.object({
      contactId: z.uuid(),
      events: z.number().int(),
      journeyStates: z.number().int(),
      journeyRunsCancelled: z.number().int(),
      sendsAnonymised: z.number().int(),
      emailEvents: z.number().int(),
      links: z.number().int(),
      outboxMessages: z.number().int(),
      addressHashed: z.boolean(),
    }),
  })
  .openapi("ContactErased");

const exportRoute = createRoute({
  method: "get",
  path: "/v1/admin/contacts/{id}/export",
  tags: ["Admin"],
  summary: "Everything stored about a contact, as one JSON document",
  description:
    "For a data-subject access request: the contact, preferences, every event, journey enrollment (with its step log) and email (with its provider events and links). Audited.",
  middleware: [requireAccess("read")] as const,
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: { description: "The export", content: { "application/json": { schema: ContactExportSchema } } },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

const eraseRoute = createRoute({
  method: "delete",
  path: "/v1/admin/contacts/{id}",
  tags: ["Admin"],
  summary: "Erase a contact and everything stored about them",
  description:
    "Cancels their live journey runs, deletes their events, enrollments, preferences and the contact, and anonymises their sends (recipient, subject, props, key, provider events and links go; the counts stay). Their address is kept only as a SHA-256, so marketing mail does not reach it again by accident; transactional mail still can. Audited. Not reversible.",
  middleware: [requireAccess("write")] as const,
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: { description: "What was erased", content: { "application/json": { schema: ContactErasedSchema } } },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

export function registerContactPrivacyRoutes(app: ApiApp, runtime: { client: HogsendClient }) {
  const { client } = runtime;
  const { db, sql } = client.db;

  app.openapi(exportRoute, async (c) => {
    const { id } = c.req.valid("param");
    const data = await exportContact(sql, id);
    if (!data) throw new AppError("NOT_FOUND", `No contact ${id}`);
    await recordAudit(db, principalOf(c), {
      action: "contact.export",
      resourceType: "contact",
      resourceId: id,
      ip: clientIp(c),
    });
    return c.json({ exportedAt: new Date().toISOString(), ...data }, 200);
  });

  app.openapi(eraseRoute, async (c) => {
    const { id } = c.req.valid("param");
    const erased = await eraseContactEverywhere(client, id);
    if (!erased) throw new AppError("NOT_FOUND", `No contact ${id}`);
    await recordAudit(db, principalOf(c), {
      action: "contact.erase",
      resourceType: "contact",
      resourceId: id,
      ip: clientIp(c),
      metadata: erased,
    });
    return c.json({ erased }, 200);
  });
}

/** What an erase removed, as the api answers it and the audit log keeps it. */
export type ContactErased = z.infer<typeof ContactErasedSchema>["erased"];

/**
 * Erases a contact (the api's DELETE and `hogsend contacts erase`): live runs are cancelled first,
 * so none takes another step for a person being erased; a run that enrolled meanwhile comes back
 * from the erase and is cancelled after it. Undefined for an unknown contact. The caller audits.
 */
export async function eraseContactEverywhere(
  client: HogsendClient,
  contactId: string,
): Promise<ContactErased | undefined> {
  const { sql } = client.db;
  const before = await liveRunIdsOf(sql, contactId);
  if (before.length > 0) await cancelJourneyRuns(client, before);
  const erased = await eraseContact(sql, contactId);
  if (!erased) return undefined;
  const late = erased.liveRunIds.filter((runId) => !before.includes(runId));
  if (late.length > 0) await cancelJourneyRuns(client, late);
  const { liveRunIds, ...counts } = erased;
  return { contactId, journeyRunsCancelled: new Set([...before, ...liveRunIds]).size, ...counts };
}
