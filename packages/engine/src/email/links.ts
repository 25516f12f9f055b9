/**
 * The public URLs Hogsend puts in an email. One place, so the mailer that writes them and the
 * routes that serve them cannot drift apart.
 */

/** Paths the routes mount; `:id` is a send id (open) or a link id (click). */
export const EMAIL_PATHS = {
  open: "/v1/t/o/:id",
  click: "/v1/t/c/:id",
  unsubscribe: "/v1/email/unsubscribe",
  preferences: "/v1/email/preferences",
} as const;

export function openPixelUrl(publicUrl: string, sendId: string): string {
  return `${publicUrl}/v1/t/o/${sendId}`;
}

export function clickUrl(publicUrl: string, linkId: string): string {
  return `${publicUrl}/v1/t/c/${linkId}`;
}

export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl}${EMAIL_PATHS.unsubscribe}?token=${encodeURIComponent(token)}`;
}

export function preferencesUrl(publicUrl: string, token: string): string {
  return `${publicUrl}${EMAIL_PATHS.preferences}?token=${encodeURIComponent(token)}`;
}
