import { createHash } from "node:crypto";
import type { EmailMessage } from "@hogsend/core";
import { type ClaimedSend, type DbHandle, saveEmailLinks } from "@hogsend/db";
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
  /** Rendered templates kept (by template and props); default 500. */
  renderCacheSize?: number | undefined;
}

/** The send fields a message is built from. */
export type ComposableSend = Pick<
  ClaimedSend,
  "id" | "contactId" | "toEmail" | "template" | "category" | "subject" | "props" | "createdAt"
>;

/** Stand-ins for the recipient's tokens: rendered once, replaced per recipient. URL-safe, so no escaping differs. */
const UNSUBSCRIBE_TOKEN = "HOGSENDUNSUBSCRIBETOKEN";
const PREFERENCES_TOKEN = "HOGSENDPREFERENCESTOKEN";

interface RenderedTemplate {
  html: string;
  text: string;
  /** The trackable links of `html`, in order: the same for every recipient. */
  trackable: string[];
  /** The stand-in links that are never tracked. */
  untracked: string[];
}

export interface Composer {
  /**
   * Builds the provider messages of a batch: one message, or the error that stopped it (a template
   * that no longer renders), per send, in order. Click-tracked links of the whole batch are stored
   * in one statement.
   */
  composeBatch(sends: readonly ComposableSend[]): Promise<(EmailMessage | Error)[]>;
}

/**
 * Renders each template once per distinct props (a broadcast of one template to 10,000 people is
 * one React render), with stand-ins for the recipient's unsubscribe and preference tokens; per
 * recipient only the tokens, the tracked links and the open pixel change. Rendering stays
 * deterministic for a send: a retry after a crash produces the same links.
 */
export function createComposer(
  sql: DbHandle["sql"],
  templates: TemplateRegistry,
  settings: ComposeSettings,
): Composer {
  const cacheSize = settings.renderCacheSize ?? 500;
  const cache = new Map<string, Promise<RenderedTemplate>>();

  /** `withTokens`: a marketing send to a known contact carries unsubscribe and preference links. */
  function rendered(
    send: ComposableSend,
    marketing: boolean,
    withTokens: boolean,
  ): Promise<RenderedTemplate> {
    const key = createHash("sha256")
      .update(`${send.template}\u0000${marketing}\u0000${withTokens}\u0000${stableJson(send.props)}`)
      .digest("base64url");
    const hit = cache.get(key);
    if (hit) {
      // Most recently used last: the oldest entry is the first one evicted.
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const links = withTokens
      ? {
          unsubscribeUrl: unsubscribeUrl(settings.publicUrl, UNSUBSCRIBE_TOKEN),
          preferencesUrl: preferencesUrl(settings.publicUrl, PREFERENCES_TOKEN),
        }
      : {};
    const untracked = [links.unsubscribeUrl, links.preferencesUrl].filter((u): u is string => !!u);
    const entry = renderTemplateFromInput(templates, send.template, send.props, links).then((r) => ({
      html: r.html,
      text: r.text,
      trackable: marketing && settings.trackClicks ? trackableLinks(r.html, untracked) : [],
      untracked,
    }));
    // A failed render is not cached: the next batch tries again.
    entry.catch(() => cache.delete(key));
    cache.set(key, entry);
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return entry;
  }

  return {
    async composeBatch(sends) {
      const marketingOf = (s: ComposableSend) => s.category !== "transactional";
      const renders = await Promise.all(
        sends.map((s) =>
          rendered(s, marketingOf(s), marketingOf(s) && !!s.contactId).then(
            (r) => r,
            (err: Error) => err,
          ),
        ),
      );
      const linkIds = await saveEmailLinks(
        sql,
        sends.flatMap((s, i) => {
          const r = renders[i];
          return r instanceof Error || !r
            ? []
            : r.trackable.map((url, position) => ({ sendId: s.id, url, position }));
        }),
      );
      return sends.map((send, i) => {
        const r = renders[i];
        if (!r) return new Error("no render");
        if (r instanceof Error) return r;
        return personalise(send, r, linkIds.get(send.id) ?? [], marketingOf(send));
      });
    },
  };

  function personalise(
    send: ComposableSend,
    r: RenderedTemplate,
    linkIds: string[],
    marketing: boolean,
  ): EmailMessage {
    const token = (purpose: "unsubscribe" | "preferences") =>
      encodeURIComponent(
        signEmailToken(
          {
            contactId: send.contactId ?? "",
            purpose,
            ...(marketing ? { category: send.category } : {}),
            sendId: send.id,
          },
          settings.tokenSecret,
          // Dated from the send, not the render: a replay renders byte for byte what the first
          // attempt sent, which the provider's batch idempotency key requires.
          send.createdAt,
        ),
      );
    let html = r.html;
    let text = r.text;
    const withTokens = marketing && !!send.contactId;
    if (marketing && r.trackable.length > 0) {
      html = rewriteLinks(
        html,
        r.untracked,
        r.trackable.map((_, position) => {
          const id = linkIds[position];
          return id ? clickUrl(settings.publicUrl, id) : "";
        }),
      );
    }
    const headers: Record<string, string> = {};
    if (withTokens) {
      const unsubscribe = token("unsubscribe");
      const preferences = token("preferences");
      html = html.replaceAll(UNSUBSCRIBE_TOKEN, unsubscribe).replaceAll(PREFERENCES_TOKEN, preferences);
      text = text.replaceAll(UNSUBSCRIBE_TOKEN, unsubscribe).replaceAll(PREFERENCES_TOKEN, preferences);
      // RFC 8058: the POST target must be an https (or here, the public) URL the mailbox provider
      // calls with `List-Unsubscribe=One-Click`, no cookies, no confirmation step.
      headers["List-Unsubscribe"] =
        `<${unsubscribeUrl(settings.publicUrl, decodeURIComponent(unsubscribe))}>`;
      headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
    }
    if (marketing && settings.trackOpens)
      html = addOpenPixel(html, openPixelUrl(settings.publicUrl, send.id));
    return {
      from: settings.from,
      to: send.toEmail,
      // A subject given at send time wins over the template's; it was fixed when the send was recorded.
      subject: send.subject,
      html,
      text,
      ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      category: send.template,
      metadata: { send_id: send.id },
      idempotencyKey: `hogsend-send-${send.id}`,
    };
  }
}

/** JSON with object keys sorted, so equal props give one cache key whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}
