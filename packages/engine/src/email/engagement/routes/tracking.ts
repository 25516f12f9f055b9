import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp } from "../../../http/types.js";
import type { IngestService } from "../../../ingest/ingest-service.js";
import type { HogsendClient } from "../../../platform/client.js";
import { EMAIL_PATHS } from "../../links.js";
import { followTrackedLink, recordOpen } from "../tracking.js";

/** The smallest common transparent 1×1 GIF (42 bytes; colour 0 is transparent). */
export const TRANSPARENT_GIF = Buffer.from(
  "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
  "base64",
);

// Every pixel must reach the server (a cached one is an uncounted open), and a tracking URL must
// not follow the person to the page they click through to.
const TRACKING_HEADERS = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Robots-Tag": "noindex, nofollow",
} as const;

/** `/v1/t/o/:id` → `/v1/t/o/{id}`: OpenAPI paths from the one place the mailer builds URLs from. */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, "{$1}");
}

// The id stays a plain string: a malformed one must get the same answer as an unknown one, never a
// validation error that tells them apart.
const idParams = (description: string) => z.object({ id: z.string().openapi({ description }) });

const openRoute = createRoute({
  method: "get",
  path: openApiPath(EMAIL_PATHS.open),
  tags: ["Email"],
  summary: "Open-tracking pixel",
  description:
    "Answers a 1×1 transparent GIF for any id, known or not. For a known send the hit is recorded; " +
    "the first open by a person (not a link previewer or crawler, by user agent) emits `email.opened`.",
  security: [],
  request: { params: idParams("The send id") },
  responses: {
    200: {
      description: "A transparent GIF, never cached",
      content: { "image/gif": { schema: z.string().openapi({ format: "binary" }) } },
    },
  },
});

const clickRoute = createRoute({
  method: "get",
  path: openApiPath(EMAIL_PATHS.click),
  tags: ["Email"],
  summary: "Tracked link redirect",
  description:
    "Redirects to the link's original URL and records the click; the send's first click by a person " +
    "emits `email.clicked`. An unknown or malformed id redirects to the API's public URL.",
  security: [],
  request: { params: idParams("The link id") },
  responses: {
    302: {
      description: "To the original URL, or to API_PUBLIC_URL for an unknown link",
      headers: z.object({ Location: z.string() }),
    },
  },
});

/** GET /v1/t/o/:id (open pixel) and GET /v1/t/c/:id (click redirect): public, reached from emails. */
export function registerEmailTrackingRoutes(
  app: ApiApp,
  runtime: { client: HogsendClient; ingest: IngestService },
) {
  const { client, ingest } = runtime;
  app.openapi(openRoute, async (c) => {
    const { id } = c.req.valid("param");
    try {
      await recordOpen(client, id, { userAgent: c.req.header("user-agent") }, ingest);
    } catch (err) {
      // The pixel answers the same whatever happens: an error page would leak that the id exists.
      client.logger.warn("open not recorded", {
        requestId: c.get("requestId"),
        error: err instanceof Error ? err.message : String(err),
      });
    }
    return c.body(TRANSPARENT_GIF, 200, {
      ...TRACKING_HEADERS,
      "Content-Type": "image/gif",
      "Content-Length": String(TRANSPARENT_GIF.length),
    });
  });

  app.openapi(clickRoute, async (c) => {
    const { id } = c.req.valid("param");
    const url = await followTrackedLink(client, id, { userAgent: c.req.header("user-agent") }, ingest);
    for (const [name, value] of Object.entries(TRACKING_HEADERS)) c.header(name, value);
    return c.redirect(url ?? client.publicUrl, 302);
  });
}
