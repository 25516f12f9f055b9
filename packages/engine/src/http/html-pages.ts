import type { Context } from "hono";

/**
 * Server-rendered pages for people arriving from an email (unsubscribe, preference centre):
 * plain HTML forms that work without JavaScript. Every interpolated value is escaped unless it is
 * already `SafeHtml`, so a category name or an address can never inject markup.
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** Markup that is already safe: built by `html`, never from raw input. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** A template tag that escapes every interpolation; nested `html` results pass through as markup. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

const STYLE = `
  body { margin: 0; background: #f4f4f5; color: #18181b; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { max-width: 32rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 8px; }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  p { margin: 0 0 1rem; }
  .note { padding: .75rem 1rem; background: #fef3c7; border-radius: 6px; }
  .muted { color: #52525b; font-size: .9rem; }
  fieldset { border: 1px solid #e4e4e7; border-radius: 6px; margin: 0 0 1rem; padding: .75rem 1rem; }
  label { display: block; padding: .25rem 0; }
  button { font: inherit; padding: .5rem 1rem; margin: 0 .5rem .5rem 0; border: 0; border-radius: 6px; background: #18181b; color: #fff; cursor: pointer; }
  button.secondary { background: #e4e4e7; color: #18181b; }
  a { color: #1d4ed8; }
`;

/** A complete page. `title` is text; `body` is markup built with `html`. */
export function renderPage(page: { title: string; body: SafeHtml }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${page.title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body><main>
<h1>${page.title}</h1>
${page.body}
</main></body>
</html>
`.value;
}

/**
 * Headers for these pages: the URL carries a signed token, so no referrer may leak it, no search
 * engine may index it and no cache may keep a page showing someone's choices. Styles are inline
 * and there is no script; forms post back to this origin only.
 */
export const PAGE_HEADERS: Record<string, string> = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Robots-Tag": "noindex, nofollow",
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

/**
 * For email HTML served on the api's origin (the dev outbox, template previews): it may carry
 * anything, so no scripts, no forms, no plugins, a sandbox, and nothing framing it elsewhere.
 */
export const EMAIL_HTML_CSP =
  "default-src 'none'; img-src * data: cid:; style-src 'unsafe-inline' *; font-src * data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox";

/** Answers with a page and PAGE_HEADERS. */
export function sendPage(
  c: Context,
  status: 200 | 400 | 404 | 415,
  page: { title: string; body: SafeHtml },
): Response {
  return c.body(renderPage(page), status, PAGE_HEADERS);
}
