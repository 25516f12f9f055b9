import type { EmailMessage } from "@hogsend/core";
import type { EmailSend, Queryable } from "@hogsend/db";
import { renderTemplateFromInput, signEmailToken, type TemplateRegistry } from "@hogsend/email";
import { clickUrl, openPixelUrl, preferencesUrl, unsubscribeUrl } from "../links.js";
import { addOpenPixel, rewriteLinks, trackableLinks } from "./tracking-html.js";

export interface ComposeSettings {
  publicUrl: string;
  /** Signs unsubscribe and preference links (BETTER_AUTH_SECRET). */
  tokenSecret: string;
  from: string;
  replyTo?: string | undefined;
  trackOpens: boolean;
  trackClicks: boolean;
  /** Stores the rewritten links and returns their ids in position order. */
  saveLinks(db: Queryable, sendId: string, urls: string[]): Promise<{ id: string; position: number }[]>;
}

/**
 * Renders a recorded send into the message a provider gets: per-recipient unsubscribe and
 * preference links, tracked links and an open pixel for anything but transactional mail, the
 * RFC 8058 one-click headers, and the send id as metadata so webhooks find their way back.
 * Rendering is deterministic for a send: a redrive after a crash produces the same links.
 */
export async function composeMessage(
  db: Queryable,
  templates: TemplateRegistry,
  send: EmailSend,
  settings: ComposeSettings,
): Promise<EmailMessage> {
  const marketing = send.category !== "transactional";
  const token = (purpose: "unsubscribe" | "preferences") =>
    signEmailToken(
      {
        contactId: send.contactId ?? "",
        purpose,
        ...(marketing ? { category: send.category } : {}),
        sendId: send.id,
      },
      settings.tokenSecret,
    );
  const links =
    marketing && send.contactId
      ? {
          unsubscribeUrl: unsubscribeUrl(settings.publicUrl, token("unsubscribe")),
          preferencesUrl: preferencesUrl(settings.publicUrl, token("preferences")),
        }
      : {};
  const rendered = await renderTemplateFromInput(templates, send.template, send.props, links);
  let html = rendered.html;
  if (marketing) {
    const untracked = [links.unsubscribeUrl, links.preferencesUrl].filter((u): u is string => !!u);
    if (settings.trackClicks) {
      const urls = trackableLinks(html, untracked);
      const saved = await settings.saveLinks(db, send.id, urls);
      const byPosition = new Map(saved.map((l) => [l.position, l.id]));
      html = rewriteLinks(
        html,
        untracked,
        urls.map((_, i) => {
          const id = byPosition.get(i);
          return id ? clickUrl(settings.publicUrl, id) : "";
        }),
      );
    }
    if (settings.trackOpens) html = addOpenPixel(html, openPixelUrl(settings.publicUrl, send.id));
  }
  const headers: Record<string, string> = {};
  if (links.unsubscribeUrl) {
    // RFC 8058: the POST target must be an https (or here, the public) URL the mailbox provider
    // calls with `List-Unsubscribe=One-Click`, no cookies, no confirmation step.
    headers["List-Unsubscribe"] = `<${links.unsubscribeUrl}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
  }
  return {
    from: settings.from,
    to: send.toEmail,
    // A subject given at send time wins over the template's; it was fixed when the send was recorded.
    subject: send.subject,
    html,
    text: rendered.text,
    ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    category: send.template,
    metadata: { send_id: send.id },
    idempotencyKey: `hogsend-send-${send.id}`,
  };
}
