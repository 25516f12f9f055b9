/**
 * Who fetched a pixel or followed a link without a person behind it. Link unfurlers fetch every
 * URL pasted into a chat, crawlers index what they find, and scripts have no mail client; their
 * hits are recorded (`is_bot`) but never count as an open or a click.
 *
 * Deliberately not here: mailbox image proxies (Gmail's GoogleImageProxy, YahooMailProxy) fetch
 * the pixel when the person opens the mail, so those are real opens. Apple Mail Privacy
 * Protection and most corporate link scanners (Safe Links, Mimecast, Proofpoint) send a browser's
 * user agent and cannot be told apart by it.
 */
const BOT_USER_AGENT_TOKENS = [
  // Link previews in chat and social apps
  "slackbot",
  "slack-imgproxy",
  "facebookexternalhit",
  "facebot",
  "twitterbot",
  "linkedinbot",
  "discordbot",
  "whatsapp",
  "telegrambot",
  "skypeuripreview",
  "bingpreview",
  "redditbot",
  "pinterestbot",
  "embedly",
  "iframely",
  // Search and other crawlers
  "googlebot",
  "bingbot",
  "duckduckbot",
  "yandexbot",
  "baiduspider",
  "applebot",
  // Scripts and headless browsers: no person reads mail through these
  "curl/",
  "wget/",
  "python-requests",
  "python-urllib",
  "aiohttp",
  "go-http-client",
  "java/",
  "libwww-perl",
  "node-fetch",
  "axios/",
  "headlesschrome",
  "phantomjs",
] as const;

/** Generic markers: a whole-word "bot", "crawler" or "spider", or the `+http…` info URL crawlers carry. */
const GENERIC_BOT = /\b(bot|crawler|spider)\b|\+https?:\/\//i;

/**
 * True when `userAgent` belongs to a bot, a previewer or a script. A missing user agent counts as
 * a bot too: every mail client and browser sends one.
 */
export function isBotUserAgent(userAgent: string | null | undefined): boolean {
  const ua = userAgent?.trim().toLowerCase() ?? "";
  if (ua === "") return true;
  return BOT_USER_AGENT_TOKENS.some((token) => ua.includes(token)) || GENERIC_BOT.test(ua);
}
