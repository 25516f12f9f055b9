import { getTemplate, parseTemplateProps, type TemplateRegistry } from "@hogsend/email";
import type { Preferences } from "./types.js";

/**
 * What the mailer would decide for one journey email: the template's category (unless the call
 * names one) and whether preferences suppress it. Mirrors the engine's send policy: suppression
 * stops everything, unsubscribes and category opt-outs stop all but transactional mail.
 */
export async function decideSend(
  templates: TemplateRegistry | undefined,
  email: { template: string; props: Record<string, unknown>; category?: string | undefined },
  preferences: Preferences | undefined,
  journeyCategory: string | undefined,
): Promise<{ category: string | undefined; status: "queued" | "suppressed"; reason: string | null }> {
  let category = email.category ?? journeyCategory;
  if (templates) {
    const template = getTemplate(templates, email.template);
    await parseTemplateProps(template, email.template, email.props);
    category = email.category ?? template.category;
  }
  const blocked = blockedReason(preferences, category);
  return { category, status: blocked ? "suppressed" : "queued", reason: blocked };
}

function blockedReason(prefs: Preferences | undefined, category: string | undefined): string | null {
  if (!prefs) return null;
  if (prefs.suppressed) return "suppressed: bounced or complained";
  if (category === "transactional") return null;
  if (prefs.unsubscribedAll) return "unsubscribed from all email";
  if (category !== undefined && prefs.optedOutCategories.includes(category))
    return `opted out of ${category} email`;
  return null;
}
