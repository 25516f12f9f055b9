import { randomUUID } from "node:crypto";
import { insertEmailSendOnce } from "@hogsend/db";
import { describe, expect, it } from "vitest";
import { setupTestApp } from "../testing.js";

const ADMIN_KEY = `adm_${randomUUID()}${randomUUID()}`;
const api = setupTestApp({ env: { ADMIN_API_KEY: ADMIN_KEY }, keys: ["read"] });

async function failedSend() {
  const { send } = await insertEmailSendOnce(api.client.db.db, {
    idempotencyKey: `test:${randomUUID()}`,
    contactId: null,
    toEmail: "someone@example.com",
    template: "welcome",
    category: "product",
    subject: "Hi",
    props: {},
    journeyId: null,
    journeyStateId: null,
    status: "queued",
    reason: null,
  });
  await api.client.db.sql`update email_sends set status = 'failed', attempts = 8, failed_at = now(),
    reason = 'gave up after 8 attempts' where id = ${send.id}`;
  return send.id;
}
const resend = (id: string, key = ADMIN_KEY) =>
  api.request(`/v1/admin/emails/${id}/resend`, { method: "POST", key });

describe("POST /v1/admin/emails/:id/resend", () => {
  it("puts a failed send back in the queue, due now, attempts reset, and audits it", async () => {
    const id = await failedSend();
    expect((await resend(id, api.keys.read)).status).toBe(403);
    const res = await resend(id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id, status: "queued" });
    const [row] = await api.client.db.sql`
      select status, attempts, reason, failed_at, next_attempt_at <= now() as due from email_sends where id = ${id}`;
    expect(row).toEqual({ status: "queued", attempts: 0, reason: null, failed_at: null, due: true });
    const [audit] = await api.client.db.sql`select action from audit_logs where resource_id = ${id}`;
    expect(audit).toEqual({ action: "email.resend" });
  });

  it("refuses a send that is not failed with 409 naming its status, and an unknown one with 404", async () => {
    const id = await failedSend();
    expect((await resend(id)).status).toBe(200);
    const again = await resend(id);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain("is queued");
    expect((await resend(randomUUID())).status).toBe(404);
  });
});
