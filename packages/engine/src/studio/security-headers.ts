/**
 * The Studio's Content-Security-Policy: scripts and styles from the Studio's own files only (no
 * inline script or style, no eval), API calls to this origin, frames only from this origin (the
 * template preview, which the api serves with its own sandboxing CSP), and no framing of the
 * Studio anywhere (clickjacking).
 */
export const STUDIO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers on every Studio page: the CSP, no sniffing, no referrer, no framing, no indexing. */
export const STUDIO_PAGE_HEADERS: Record<string, string> = {
  "Content-Security-Policy": STUDIO_CSP,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "X-Robots-Tag": "noindex, nofollow",
};
