import { randomUUID } from "node:crypto";
import {
  claimEmailSend,
  type EmailSendStatus,
  insertEmailEventOnce,
  insertEmailSendOnce,
  markEmailFailed,
  markEmailSent,
  recordEngagement,
  upsertContact,
  upsertEmailLinks,
} from "@hogsend/db";
import { describe, expect, it } from "vitest";
import { setupTestApp } from "../testing.js";

const api = setupTestApp({ keys: ["ingest", "read"] });

const read = (path: string, key = api.keys.read) => api.request(path, { key });

type Outcome = "delivered" | "opened" | "clicked" | "bounced" | "complained" | "unsubscribed";

/** A send as the mailer and the trackers would leave it: stored, then sent, failed or suppressed, then engaged with. */
async function send(options: {
  contactId?: string;
  template: string;
  journeyId?: string;
  createdAt?: string;
  status?: Extract<EmailSendStatus, "queued" | "sent" | "failed" | "suppressed">;
  outcomes?: Outcome[];
}) {
  const db = api.client.db.db;
  const { send: row } = await insertEmailSendOnce(db, {
    idempotencyKey: `test:${randomUUID()}`,
    contactId: options.contactId ?? null,
    toEmail: "someone@example.com",
    template: options.template,
    category: "product",
    subject: `Subject of ${options.template}`,
    props: { plan: "pro" },
    journeyId: options.journeyId ?? null,
    ...(options.status === "suppressed" ? { status: "suppressed", reason: "unsubscribed from product" } : {}),
    ...(options.createdAt ? { createdAt: new Date(options.createdAt) } : {}),
  });
  const status = options.status ?? "sent";
  if (status === "sent" || status === "failed") {
    expect(await claimEmailSend(db, row.id, 60_000)).toBeDefined();
    if (status === "sent") {
      expect(
        await markEmailSent(db, row.id, { provider: "outbox", providerMessageId: randomUUID() }),
      ).toBeDefined();
    } else {
      await markEmailFailed(db, row.id, "outbox", "provider said no");
    }
  }
  for (const outcome of options.outcomes ?? []) {
    await recordEngagement(db, row.id, outcome, new Date());
  }
  return row.id;
}

type SendPage = {
  items: { id: string; template: string; status: string; contactId: string | null; createdAt: string }[];
  nextCursor: string | null;
};

async function collect(query: string) {
  const seen: SendPage["items"] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await read(`/v1/admin/emails?${query}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as SendPage;
    seen.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { ids: seen.map((s) => s.id), items: seen, pages };
}

describe("GET /v1/admin/emails", () => {
  it("answers 401 without credentials and 403 to an ingest-only key", async () => {
    for (const path of ["/v1/admin/emails", `/v1/admin/emails/${randomUUID()}`, "/v1/admin/metrics/emails"]) {
      expect((await api.app.request(path)).status).toBe(401);
      expect((await read(path, api.keys.ingest)).status).toBe(403);
    }
  });

  it("filters by contact, user id, status, template, journey and dates, newest first, across pages", async () => {
    const tag = randomUUID().slice(0, 8);
    const userId = `u_${tag}`;
    const contact = await upsertContact(api.client.db.db, {
      externalId: userId,
      email: `${tag}@example.com`,
    });
    const other = await upsertContact(api.client.db.db, { externalId: `other_${tag}` });
    const welcome = `welcome-${tag}`;
    const nudge = `nudge-${tag}`;
    const journeyId = `onboarding-${tag}`;
    // Two sends share a created_at: the id breaks the tie, so neither is lost between pages.
    const tie = "2030-04-02T09:00:00.000Z";
    const s1 = await send({
      contactId: contact.id,
      template: welcome,
      journeyId,
      createdAt: "2030-04-01T09:00:00Z",
    });
    const s2 = await send({
      contactId: contact.id,
      template: nudge,
      journeyId,
      createdAt: tie,
      status: "failed",
    });
    const s3 = await send({ contactId: contact.id, template: nudge, createdAt: tie, status: "suppressed" });
    const s4 = await send({
      contactId: contact.id,
      template: welcome,
      journeyId,
      createdAt: "2030-04-03T09:00:00Z",
    });
    const s5 = await send({
      contactId: other.id,
      template: welcome,
      journeyId,
      createdAt: "2030-04-04T09:00:00Z",
    });

    const mine = await collect(`contactId=${contact.id}&limit=1`);
    expect(mine.pages).toBe(4);
    expect(mine.ids[0]).toBe(s4);
    expect(new Set(mine.ids.slice(1, 3))).toEqual(new Set([s2, s3]));
    expect(mine.ids[3]).toBe(s1);
    expect((await collect(`userId=${userId}&limit=2`)).ids).toEqual(mine.ids);
    expect((await collect(`userId=nobody_${tag}`)).ids).toEqual([]);

    expect((await collect(`template=${welcome}`)).ids).toEqual([s5, s4, s1]);
    expect((await collect(`template=${nudge}&status=failed`)).ids).toEqual([s2]);
    expect((await collect(`userId=${userId}&status=suppressed`)).items).toEqual([
      expect.objectContaining({ id: s3, status: "suppressed", contactId: contact.id }),
    ]);
    expect((await collect(`journeyId=${journeyId}&contactId=${contact.id}`)).ids).toEqual([s4, s2, s1]);
    // `from` is inclusive; a bare-date `to` includes that whole day.
    expect((await collect(`template=${welcome}&from=2030-04-03T09:00:00Z`)).ids).toEqual([s5, s4]);
    expect((await collect(`template=${welcome}&from=2030-04-01&to=2030-04-03`)).ids).toEqual([s4, s1]);
    expect((await collect(`template=${welcome}&to=2030-04-03T09:00:00Z`)).ids).toEqual([s1]);
  });

  it("refuses bad filters and cursors with 400 naming the fields", async () => {
    const res = await read("/v1/admin/emails?status=lost&contactId=nope&cursor=zzz&from=yesterday");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { fields: { field: string }[] } } };
    expect(new Set(body.error.details.fields.map((f) => f.field))).toEqual(
      new Set(["status", "contactId", "cursor", "from"]),
    );
    const backwards = await read("/v1/admin/emails?from=2030-02-01&to=2030-01-01");
    expect(backwards.status).toBe(400);
    const reason = (await backwards.json()) as { error: { details: { fields: { field: string }[] } } };
    expect(reason.error.details.fields.map((f) => f.field)).toEqual(["to"]);
  });
});

describe("GET /v1/admin/emails/:id", () => {
  it("shows the send with its events in time order and per-link human and bot clicks", async () => {
    const contact = await upsertContact(api.client.db.db, { externalId: `u_${randomUUID()}` });
    const id = await send({ contactId: contact.id, template: "digest", outcomes: ["delivered", "clicked"] });
    const [pricing, docs] = await upsertEmailLinks(api.client.db.db, id, [
      "https://acme.test/pricing",
      "https://acme.test/docs",
    ]);
    if (!pricing || !docs) throw new Error("links not stored");
    const at = (minute: number) => new Date(Date.UTC(2030, 5, 1, 12, minute));
    const event = (
      type: "delivered" | "opened" | "clicked",
      minute: number,
      extra: Record<string, unknown> = {},
    ) =>
      insertEmailEventOnce(api.client.db.db, {
        sendId: id,
        type,
        dedupeKey: `test:${randomUUID()}`,
        occurredAt: at(minute),
        ...extra,
      });
    // Stored out of order: the timeline sorts by when it happened.
    await event("clicked", 5, { linkId: pricing.id, url: "https://acme.test/pricing", userAgent: "Mozilla" });
    await event("delivered", 1, { data: { providerEvent: "email.delivered" } });
    await event("clicked", 2, { linkId: pricing.id, url: "https://acme.test/pricing", isBot: true });
    await event("opened", 3);
    await event("clicked", 4, { linkId: pricing.id, url: "https://acme.test/pricing" });
    await event("clicked", 6, { linkId: docs.id, url: "https://acme.test/docs" });
    // Another send's click on its own link stays out of these counts.
    const otherId = await send({ template: "digest" });
    const [otherLink] = await upsertEmailLinks(api.client.db.db, otherId, ["https://acme.test/pricing"]);
    await insertEmailEventOnce(api.client.db.db, {
      sendId: otherId,
      type: "clicked",
      dedupeKey: `test:${randomUUID()}`,
      linkId: otherLink?.id ?? null,
    });

    const res = await read(`/v1/admin/emails/${id}`);
    expect(res.status).toBe(200);
    const detail = (await res.json()) as {
      send: Record<string, unknown>;
      timeline: { type: string; occurredAt: string; url: string | null; isBot: boolean; data: unknown }[];
      timelineTruncated: boolean;
      links: { id: string; url: string; position: number; humanClicks: number; botClicks: number }[];
    };
    expect(detail.send).toMatchObject({
      id,
      contactId: contact.id,
      template: "digest",
      status: "sent",
      provider: "outbox",
      props: { plan: "pro" },
      clickCount: 1,
      deliveredAt: expect.any(String),
      firstClickedAt: expect.any(String),
      firstOpenedAt: null,
    });
    expect(detail.timeline.map((e) => [e.type, e.occurredAt, e.isBot])).toEqual([
      ["delivered", at(1).toISOString(), false],
      ["clicked", at(2).toISOString(), true],
      ["opened", at(3).toISOString(), false],
      ["clicked", at(4).toISOString(), false],
      ["clicked", at(5).toISOString(), false],
      ["clicked", at(6).toISOString(), false],
    ]);
    expect(detail.timeline[0]?.data).toEqual({ providerEvent: "email.delivered" });
    expect(detail.timeline[5]?.url).toBe("https://acme.test/docs");
    expect(detail.timelineTruncated).toBe(false);
    expect(detail.links).toEqual([
      { id: pricing.id, url: "https://acme.test/pricing", position: 0, humanClicks: 2, botClicks: 1 },
      { id: docs.id, url: "https://acme.test/docs", position: 1, humanClicks: 1, botClicks: 0 },
    ]);
  });

  it("answers 404 for an unknown send and 400 for an id that is not a uuid", async () => {
    const res = await read(`/v1/admin/emails/${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    const bad = await read("/v1/admin/emails/not-a-uuid");
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { details: { fields: { field: string }[] } } };
    expect(body.error.details.fields.map((f) => f.field)).toEqual(["id"]);
  });
});

type MetricsRow = Record<string, number> & {
  template?: string;
  rates: Record<string, number | string>;
};

describe("GET /v1/admin/metrics/emails", () => {
  it("counts unique outcomes per template and overall, with rates, within the filters", async () => {
    const tag = randomUUID().slice(0, 8);
    const journeyId = `metrics-${tag}`;
    const march = (day: number, hour = 9) => new Date(Date.UTC(2030, 2, day, hour)).toISOString();
    const a = `a-${tag}`;
    const c = `c-${tag}`;
    // Template a: 4 sent, 3 delivered, 2 opened, 1 clicked, 1 bounced, 1 complained; 1 suppressed, 1 failed.
    const opened = await send({
      template: a,
      journeyId,
      createdAt: march(1),
      outcomes: ["delivered", "opened", "clicked"],
    });
    await recordEngagement(api.client.db.db, opened, "opened", new Date()); // a second open counts once
    await send({ template: a, journeyId, createdAt: march(2), outcomes: ["delivered", "opened"] });
    await send({
      template: a,
      journeyId,
      createdAt: march(3),
      outcomes: ["delivered", "complained", "unsubscribed"],
    });
    await send({ template: a, journeyId, createdAt: march(4), outcomes: ["bounced"] });
    await send({ template: a, journeyId, createdAt: march(5), status: "suppressed" });
    await send({ template: a, journeyId, createdAt: march(6), status: "failed" });
    // Template c: one send late on the last day of the range.
    await send({
      template: c,
      journeyId,
      createdAt: march(31, 23),
      outcomes: ["delivered", "opened", "clicked"],
    });
    // Outside the range, and in another journey: left out.
    await send({ template: a, journeyId, createdAt: "2030-02-28T23:59:59Z", outcomes: ["delivered"] });
    await send({ template: a, journeyId: `other-${tag}`, createdAt: march(2), outcomes: ["delivered"] });

    const res = await read(`/v1/admin/metrics/emails?journeyId=${journeyId}&from=2030-03-01&to=2030-03-31`);
    expect(res.status).toBe(200);
    const metrics = (await res.json()) as { total: MetricsRow; templates: MetricsRow[] };
    expect(metrics.templates).toEqual([
      {
        template: a,
        total: 6,
        sent: 4,
        delivered: 3,
        opened: 2,
        clicked: 1,
        bounced: 1,
        complained: 1,
        unsubscribed: 1,
        suppressed: 1,
        failed: 1,
        rates: {
          delivery: 0.75,
          open: 0.6667,
          click: 0.3333,
          bounce: 0.25,
          complaint: 0.25,
          engagementBase: "delivered",
        },
      },
      {
        template: c,
        total: 1,
        sent: 1,
        delivered: 1,
        opened: 1,
        clicked: 1,
        bounced: 0,
        complained: 0,
        unsubscribed: 0,
        suppressed: 0,
        failed: 0,
        rates: { delivery: 1, open: 1, click: 1, bounce: 0, complaint: 0, engagementBase: "delivered" },
      },
    ]);
    expect(metrics.total).toEqual({
      total: 7,
      sent: 5,
      delivered: 4,
      opened: 3,
      clicked: 2,
      bounced: 1,
      complained: 1,
      unsubscribed: 1,
      suppressed: 1,
      failed: 1,
      rates: {
        delivery: 0.8,
        open: 0.75,
        click: 0.5,
        bounce: 0.2,
        complaint: 0.2,
        engagementBase: "delivered",
      },
    });

    // Per UTC day of creation, oldest first, only days with a send: the same counts, sliced.
    const days = (metrics as unknown as { days: (MetricsRow & { day: string })[] }).days;
    expect(days.map((d) => [d.day, d.total, d.sent, d.delivered, d.opened])).toEqual([
      ["2030-03-01", 1, 1, 1, 1],
      ["2030-03-02", 1, 1, 1, 1],
      ["2030-03-03", 1, 1, 1, 0],
      ["2030-03-04", 1, 1, 0, 0],
      ["2030-03-05", 1, 0, 0, 0],
      ["2030-03-06", 1, 0, 0, 0],
      ["2030-03-31", 1, 1, 1, 1],
    ]);
    expect(days.reduce((n, d) => n + (d.total ?? 0), 0)).toBe(metrics.total.total);
    expect(days[0]?.rates).toMatchObject({ delivery: 1, open: 1, click: 1 });

    // Without dates the earlier send counts too.
    const all = (await (await read(`/v1/admin/metrics/emails?journeyId=${journeyId}`)).json()) as {
      total: MetricsRow;
    };
    expect([all.total.total, all.total.delivered]).toEqual([8, 5]);
  });

  it("rates engagement over sent when no send has delivery data, and answers zeros for nothing", async () => {
    const journeyId = `no-delivery-${randomUUID().slice(0, 8)}`;
    await send({ template: "plain", journeyId, outcomes: ["opened"] });
    await send({ template: "plain", journeyId });
    const res = await read(`/v1/admin/metrics/emails?journeyId=${journeyId}`);
    const metrics = (await res.json()) as { total: MetricsRow; templates: MetricsRow[] };
    expect(metrics.total.rates).toEqual({
      delivery: 0,
      open: 0.5,
      click: 0,
      bounce: 0,
      complaint: 0,
      engagementBase: "sent",
    });

    const empty = await read(`/v1/admin/metrics/emails?journeyId=nothing-${randomUUID()}`);
    expect(empty.status).toBe(200);
    const none = (await empty.json()) as { total: MetricsRow; templates: MetricsRow[] };
    expect(none.templates).toEqual([]);
    expect(none.total).toMatchObject({ total: 0, sent: 0, rates: { delivery: 0, open: 0, click: 0 } });
  });

  it("refuses a range that ends before it starts and a malformed date, naming the field", async () => {
    const res = await read("/v1/admin/metrics/emails?from=2030-03-02&to=2030-03-01T00:00:00Z");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { fields: { field: string }[] } } };
    expect(body.error.details.fields.map((f) => f.field)).toEqual(["to"]);
    const bad = await read("/v1/admin/metrics/emails?from=03/02/2030");
    expect(bad.status).toBe(400);
  });
});
