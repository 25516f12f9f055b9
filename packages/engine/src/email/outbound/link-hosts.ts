/**
 * The hosts a caller of POST /v1/emails may link to through template props. A key that can send
 * can otherwise put any URL behind our tracked links and our domain's reputation: a phishing
 * kit's best friend. Journeys are the app's own code and are not checked.
 */
export function linkHostsAllowed(list: string | undefined, publicUrl: string): string[] | undefined {
  const hosts = (list ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  if (hosts.length === 0) return undefined;
  return [...hosts, new URL(publicUrl).hostname.toLowerCase()];
}

/** The first prop (a dotted path) holding an http(s) URL off the allowed hosts (or their subdomains). */
export function propWithForeignLink(
  props: unknown,
  allowed: readonly string[],
  path: string[] = [],
): { field: string; host: string } | undefined {
  if (typeof props === "string") {
    if (!/^\s*https?:\/\//i.test(props)) return undefined;
    let host: string;
    try {
      host = new URL(props.trim()).hostname.toLowerCase();
    } catch {
      return { field: path.join("."), host: "(unparsable)" };
    }
    const ok = allowed.some((a) => host === a || host.endsWith(`.${a}`));
    return ok ? undefined : { field: path.join("."), host };
  }
  if (props === null || typeof props !== "object") return undefined;
  for (const [key, value] of Object.entries(props)) {
    const found = propWithForeignLink(value, allowed, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
