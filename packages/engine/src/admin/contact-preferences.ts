import { recordAudit } from "@hogsend/access";
import { AppError } from "@hogsend/core";
import {
  contactById,
  type EmailPreferences,
  getEmailPreferences,
  type PreferencesPatch,
  updateEmailPreferences,
} from "@hogsend/db";
import { createRoute, z } from "@hono/zod-openapi";
import { principalOf, requireAccess } from "../access/require-access.js";
import { clientIp } from "../http/client-ip.js";
import { errorResponses } from "../http/errors.js";
import type { ApiApp } from "../http/types.js";
import type { HogsendClient } from "../platform/client.js";

const OPERATOR_SUPPRESSION = "suppressed by an operator";

const AdminPreferencesSchema = z
  .object({
    contactId: z.uuid(),
    unsubscribedAll: z.boolean(),
    optedOutCategories: z.array(z.string()),
    suppressed: z.boolean().openapi({ description: "Bounced, complained or suppressed by an operator" }),
    suppressedReason: z.string().nullable(),
    suppressedAt: z.iso.datetime().nullable(),
    bounceCount: z.number().int().openapi({ description: "Permanent bounces since the last un-suppression" }),
    updatedAt: z.iso.datetime().nullable().openapi({
      description: "Null: never changed, so the contact is subscribed to everything",
    }),
  })
  .openapi("AdminContactPreferences");

const PreferencesUpdateSchema = z
  .strictObject({
    unsubscribedAll: z.boolean().optional(),
    optedOutCategories: z
      .array(z.string().trim().min(1).max(100))
      .max(100)
      .optional()
      .openapi({ description: "Replaces the list; duplicates are dropped" }),
    suppressed: z
      .boolean()
      .optional()
      .openapi({
        description:
          "true suppresses (reason `suppressed by an operator`); false lifts a suppression and resets " +
          "the bounce count. A value that matches the current state changes nothing.",
      }),
    reason: z.string().trim().min(1).max(500).optional().openapi({
      description: "Why: written to the audit log with the change (e.g. why a suppression was lifted)",
    }),
  })
  // The reason explains a change; alone it changes nothing.
  .refine(({ reason: _reason, ...fields }) => Object.values(fields).some((v) => v !== undefined), {
    message: "give at least one of unsubscribedAll, optedOutCategories, suppressed",
  })
  .openapi("ContactPreferencesUpdate");

type PreferencesState = Omit<z.infer<typeof AdminPreferencesSchema>, "contactId" | "updatedAt">;

/** A contact without a row is subscribed to everything. */
const DEFAULTS: PreferencesState = {
  unsubscribedAll: false,
  optedOutCategories: [],
  suppressed: false,
  suppressedReason: null,
  suppressedAt: null,
  bounceCount: 0,
};

function serialize(
  contactId: string,
  prefs: EmailPreferences | undefined,
): z.infer<typeof AdminPreferencesSchema> {
  if (!prefs) return { contactId, ...DEFAULTS, updatedAt: null };
  return {
    contactId,
    unsubscribedAll: prefs.unsubscribedAll,
    optedOutCategories: prefs.optedOutCategories,
    suppressed: prefs.suppressed,
    suppressedReason: prefs.suppressedReason,
    suppressedAt: prefs.suppressedAt?.toISOString() ?? null,
    bounceCount: prefs.bounceCount,
    updatedAt: prefs.updatedAt.toISOString(),
  };
}

const sameSet = (a: string[], b: string[]) => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((v) => right.has(v));
};

/** The part of the update that differs from what is stored: what is written and audited. */
function changesOf(
  current: EmailPreferences | undefined,
  body: z.infer<typeof PreferencesUpdateSchema>,
): PreferencesPatch {
  const now = current ?? DEFAULTS;
  const patch: PreferencesPatch = {};
  if (body.unsubscribedAll !== undefined && body.unsubscribedAll !== now.unsubscribedAll) {
    patch.unsubscribedAll = body.unsubscribedAll;
  }
  if (body.optedOutCategories !== undefined && !sameSet(body.optedOutCategories, now.optedOutCategories)) {
    patch.optedOutCategories = body.optedOutCategories;
  }
  // Only a real change: re-suppressing keeps a bounce's reason, and lifting needs a suppression.
  if (body.suppressed !== undefined && body.suppressed !== now.suppressed) {
    patch.suppressed = body.suppressed;
    if (body.suppressed) patch.suppressedReason = OPERATOR_SUPPRESSION;
  }
  return patch;
}

const params = z.object({ id: z.uuid() });

const getRoute = createRoute({
  method: "get",
  path: "/v1/admin/contacts/{id}/preferences",
  tags: ["Admin"],
  summary: "A contact's email preferences and suppression",
  middleware: [requireAccess("read")] as const,
  request: { params },
  responses: {
    200: {
      description: "The preferences; defaults when the contact never changed them",
      content: { "application/json": { schema: AdminPreferencesSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 429),
  },
});

const putRoute = createRoute({
  method: "put",
  path: "/v1/admin/contacts/{id}/preferences",
  tags: ["Admin"],
  summary: "Change a contact's email preferences or suppression",
  description:
    "Fields left out keep their value. Audited as `contact.preferences.update` with the names of " +
    "the fields that changed and the `reason`, when given.",
  // The body limit is the admin-wide one (create-app).
  middleware: [requireAccess("write")] as const,
  request: {
    params,
    body: { required: true, content: { "application/json": { schema: PreferencesUpdateSchema } } },
  },
  responses: {
    200: {
      description: "The preferences as they now stand",
      content: { "application/json": { schema: AdminPreferencesSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 413, 429),
  },
});

export function registerAdminContactPreferenceRoutes(app: ApiApp, runtime: { client: HogsendClient }) {
  const { client } = runtime;
  const { db } = client.db;
  const contactOr404 = async (id: string) => {
    const contact = await contactById(db, id);
    if (!contact) throw new AppError("NOT_FOUND", `No contact ${id}`);
    return contact;
  };

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid("param");
    await contactOr404(id);
    return c.json(serialize(id, await getEmailPreferences(db, id)), 200);
  });

  app.openapi(putRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const principal = principalOf(c);
    await contactOr404(id);
    const current = await getEmailPreferences(db, id);
    const patch = changesOf(current, body);
    const changed = (["unsubscribedAll", "optedOutCategories", "suppressed"] as const).filter(
      (field) => patch[field] !== undefined,
    );
    const prefs = changed.length > 0 ? await updateEmailPreferences(db, id, patch) : current;
    await recordAudit(db, principal, {
      action: "contact.preferences.update",
      resourceType: "contact",
      resourceId: id,
      ip: clientIp(c),
      metadata: body.reason ? { changed, reason: body.reason } : { changed },
    });
    return c.json(serialize(id, prefs), 200);
  });
}
