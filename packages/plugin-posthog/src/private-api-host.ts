/**
 * The host of PostHog's private (personal-key) API for an ingestion host: PostHog Cloud serves
 * ingestion on `us.i.posthog.com` / `eu.i.posthog.com` and the REST API on `us.posthog.com` /
 * `eu.posthog.com`. Any other host (self-hosted, a proxy, a local fake) serves both.
 */
export function privateApiHost(host: string): string {
  const url = new URL(host);
  const cloud = /^([a-z0-9-]+)\.i\.posthog\.com$/i.exec(url.hostname);
  if (cloud) url.hostname = `${cloud[1]}.posthog.com`;
  return url.origin + url.pathname.replace(/\/+$/, "");
}
