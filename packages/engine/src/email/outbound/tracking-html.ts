/**
 * Click and open tracking on rendered HTML. Links become `/v1/t/c/:linkId`, except the
 * unsubscribe and preference links (a tracked unsubscribe link would break one-click clients and
 * mislead scanners) and non-http links (mailto:, tel:). An open pixel goes before `</body>`.
 */

const HREF = /href="(https?:\/\/[^"]+)"/g;

/** The http(s) links of `html`, in document order, minus the ones never to track. */
export function trackableLinks(html: string, untracked: string[]): string[] {
  const links: string[] = [];
  for (const match of html.matchAll(HREF)) {
    const url = decodeHtmlAttribute(match[1] ?? "");
    if (!untracked.some((u) => url === u)) links.push(url);
  }
  return links;
}

/** Replaces the trackable links in order with their tracking URLs (same order as trackableLinks). */
export function rewriteLinks(html: string, untracked: string[], trackingUrls: string[]): string {
  let index = 0;
  return html.replace(HREF, (whole, raw: string) => {
    const url = decodeHtmlAttribute(raw);
    if (untracked.some((u) => url === u)) return whole;
    const tracking = trackingUrls[index++];
    return tracking ? `href="${tracking}"` : whole;
  });
}

export function addOpenPixel(html: string, pixelUrl: string): string {
  const pixel = `<img src="${pixelUrl}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
  return html.includes("</body>") ? html.replace("</body>", `${pixel}</body>`) : `${html}${pixel}`;
}

function decodeHtmlAttribute(value: string): string {
  return value
    .replaceAll("&amp;", "&")
    .replaceAll("&quot;", '"')
    .replaceAll("&#x27;", "'")
    .replaceAll("&#39;", "'");
}
