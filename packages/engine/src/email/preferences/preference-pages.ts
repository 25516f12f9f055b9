import { EMAIL_TOKEN_TTL_MS } from "@hogsend/email";
import { html, type SafeHtml } from "../../http/html-pages.js";
import { EMAIL_PATHS } from "../links.js";
import type { PreferenceCentreState } from "./preference-centre.js";
import type { UnsubscribeTarget } from "./unsubscribe.js";

/**
 * The pages of the unsubscribe flow and the preference centre. Forms post back to the URL they
 * came from, token in the query string; links are root-relative, so they stay on the host the
 * person actually reached.
 */

export interface Page {
  title: string;
  body: SafeHtml;
}

export type TokenProblem = "missing" | "malformed" | "bad_signature" | "expired" | "wrong_purpose";

const TTL_DAYS = Math.round(EMAIL_TOKEN_TTL_MS.unsubscribe / 86_400_000);

const transactionalNote = html`<p class="muted">
Receipts, password resets and other email about your account are always sent.</p>`;

/** `/v1/email/preferences?token=…` */
export function tokenUrl(path: string, token: string): string {
  return `${path}?token=${encodeURIComponent(token)}`;
}

/** `getting-started` → `Getting started`. */
export function categoryLabel(category: string): string {
  const words = category.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function preferencesLink(preferencesToken: string, lead = ""): SafeHtml {
  const url = tokenUrl(EMAIL_PATHS.preferences, preferencesToken);
  return html`<p class="muted">${lead} <a href="${url}">Manage your email preferences</a>.</p>`;
}

/** GET /v1/email/unsubscribe: what the link would do, as a form; nothing has changed yet. */
export function unsubscribeConfirmPage(input: {
  token: string;
  preferencesToken: string;
  category: string | undefined;
  email: string | null;
  unsubscribedAll: boolean;
  optedOutCategories: string[];
}): Page {
  const { category } = input;
  const label = category ? categoryLabel(category) : "";
  const at = input.email ? html` at <strong>${input.email}</strong>` : "";
  const question = category
    ? html`Stop receiving <strong>${label}</strong> email${at}?`
    : html`Stop receiving email from us${at}?`;
  let already: SafeHtml | string = "";
  if (input.unsubscribedAll) already = html`<p class="note">You are already unsubscribed from all email.</p>`;
  else if (category && input.optedOutCategories.includes(category))
    already = html`<p class="note">You are already unsubscribed from ${label} email.</p>`;
  const categoryButton = category
    ? html`<button type="submit" name="scope" value="category">Unsubscribe from ${label} email</button>`
    : "";
  const allClass = category ? html` class="secondary"` : "";
  return {
    title: "Unsubscribe",
    body: html`
<p>${question}</p>
${already}
<form method="post" action="${tokenUrl(EMAIL_PATHS.unsubscribe, input.token)}">
${categoryButton}
<button type="submit" name="scope" value="all"${allClass}>Unsubscribe from all email</button>
</form>
${preferencesLink(input.preferencesToken, "Or choose which email you get:")}
${transactionalNote}`,
  };
}

/** After the confirmation form's POST. */
export function unsubscribedPage(target: UnsubscribeTarget, preferencesToken: string): Page {
  const what =
    target.scope === "all"
      ? "You will no longer receive email from us."
      : `You will no longer receive ${categoryLabel(target.category)} email from us.`;
  return {
    title: "You are unsubscribed",
    body: html`
<p>${what}</p>
${preferencesLink(preferencesToken, "Changed your mind, or want to choose more precisely?")}
${transactionalNote}`,
  };
}

/** The preference centre: a checkbox per category (ticked = subscribed) and one for all email. */
export function preferenceCentrePage(state: PreferenceCentreState, token: string): Page {
  const optedOut = new Set(state.optedOutCategories);
  const checked = (on: boolean) => (on ? html` checked` : "");
  const categories =
    state.categories.length === 0
      ? html`<p class="muted">There are no kinds of email to choose from yet.</p>`
      : state.categories.map(
          (category) => html`
<input type="hidden" name="shown" value="${category}">
<label><input type="checkbox" name="category" value="${category}"${checked(!optedOut.has(category))}>
${categoryLabel(category)}</label>`,
        );
  const paused = state.suppressed
    ? html`<p class="note">Email to this address is paused because earlier messages bounced or were
reported as spam. Your choices are still saved, but nothing will be sent until the sender lifts the
pause; please contact them to do so.</p>`
    : "";
  return {
    title: "Email preferences",
    body: html`
${state.contact.email ? html`<p class="muted">For ${state.contact.email}</p>` : ""}
${paused}
<form method="post" action="${tokenUrl(EMAIL_PATHS.preferences, token)}">
<fieldset>
<legend>Email I want to receive</legend>
${categories}
</fieldset>
<fieldset>
<label><input type="checkbox" name="unsubscribe_all" value="true"${checked(state.unsubscribedAll)}>
Unsubscribe from all email</label>
<p class="muted">While this is ticked, nothing above is sent.</p>
</fieldset>
<button type="submit">Save preferences</button>
</form>
${transactionalNote}`,
  };
}

/** After the preference centre's POST: the state as stored. */
export function preferencesSavedPage(state: PreferenceCentreState, token: string): Page {
  const optedOut = new Set(state.optedOutCategories);
  const receiving = state.categories.filter((c) => !optedOut.has(c)).map(categoryLabel);
  const notReceiving = state.categories.filter((c) => optedOut.has(c)).map(categoryLabel);
  const summary = state.unsubscribedAll
    ? html`<p>You are unsubscribed from all email.</p>`
    : html`
${receiving.length > 0 ? html`<p>You will receive: ${receiving.join(", ")}.</p>` : ""}
${notReceiving.length > 0 ? html`<p>You will not receive: ${notReceiving.join(", ")}.</p>` : ""}`;
  const paused = state.suppressed
    ? html`<p class="note">Email to this address stays paused because earlier messages bounced or
were reported as spam.</p>`
    : "";
  return {
    title: "Preferences saved",
    body: html`
${summary}
${paused}
<p><a href="${tokenUrl(EMAIL_PATHS.preferences, token)}">Change your preferences</a></p>
${transactionalNote}`,
  };
}

export function unknownCategoriesPage(categories: string[], token: string): Page {
  return {
    title: "Nothing was saved",
    body: html`
<p>The form named email categories we do not offer: ${categories.join(", ")}. Nothing was changed.</p>
<p><a href="${tokenUrl(EMAIL_PATHS.preferences, token)}">Back to your email preferences</a></p>`,
  };
}

/** A link whose token is missing, altered, for another page, or expired. */
export function invalidLinkPage(problem: TokenProblem): Page {
  const expired = problem === "expired";
  const why = expired
    ? `Links in our emails work for ${TTL_DAYS} days. Nothing was changed.`
    : "The link may be incomplete (some mail apps cut long links) or altered. Nothing was changed.";
  return {
    title: expired ? "This link has expired" : "This link is not valid",
    body: html`
<p>${why}</p>
<p>Use the unsubscribe or preferences link in a more recent email from us.</p>`,
  };
}

export function invalidRequestPage(): Page {
  return {
    title: "Nothing was changed",
    body: html`
<p>This request could not be understood. Nothing was changed.</p>
<p>Use the unsubscribe or preferences link in a recent email from us.</p>`,
  };
}

export function unsupportedBodyPage(): Page {
  return {
    title: "Nothing was changed",
    body: html`<p>This address only accepts a form submission. Nothing was changed.</p>`,
  };
}

/** The token is genuine but its contact was deleted. */
export function goneContactPage(): Page {
  return {
    title: "Nothing to change",
    body: html`<p>This address is no longer on our lists, so there is nothing to unsubscribe from.</p>`,
  };
}
