import { type FakePostmark, startFakePostmark } from "@hogsend/devstack/fakes";
import { createTestDatabase, type TestDatabase, testStack } from "@hogsend/devstack/testing";
import { createHogsendClient, createLogger, createRuntime, type HogsendClient } from "@hogsend/engine";
import { testEnv } from "@hogsend/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { templates } from "../src/emails/index.js";

/** The mailer on a Postmark-only deploy (no Resend key): the real postmark SDK → a fake Postmark. */
const stack = testStack();
let database: TestDatabase;
let postmark: FakePostmark;
let client: HogsendClient;

beforeAll(async () => {
  database = await createTestDatabase();
  postmark = await startFakePostmark({ serverToken: "pm-server-token" });
  client = createHogsendClient(
    testEnv(stack, {
      DATABASE_URL: database.url,
      NODE_ENV: "production",
      RESEND_API_KEY: undefined,
      RESEND_BASE_URL: undefined,
      EMAIL_PROVIDER: "postmark",
      POSTMARK_SERVER_TOKEN: "pm-server-token",
      POSTMARK_BASE_URL: postmark.url,
      API_PUBLIC_URL: "https://hogsend.example.com",
    }),
    { version: "test", role: "api", logger: createLogger({ level: "error", json: true, write: () => {} }) },
  );
});
afterAll(async () => {
  await client?.close();
  await postmark?.close();
  await database?.drop();
});

describe("the mailer through Postmark", () => {
  it("boots without a Resend key and sends marketing mail with one-click headers on the outbound stream, Postmark's own tracking off", async () => {
    const { mailer } = createRuntime(client, { clientJournal: null, templates });
    if (!mailer) throw new Error("a runtime with templates has a mailer");
    const result = await mailer.send({
      to: "ann@example.com",
      template: "welcome",
      props: {},
      idempotencyKey: "pm-1",
    });
    expect(result.dispatch).toMatchObject({ outcome: "sent" });
    expect(postmark.messages).toHaveLength(1);
    const payload = postmark.messages[0]?.payload as Record<string, unknown>;
    expect(payload).toMatchObject({
      To: "ann@example.com",
      MessageStream: "outbound",
      TrackOpens: false,
      TrackLinks: "None",
      Tag: "welcome",
      Metadata: { send_id: result.send.id, idempotency_key: `hogsend-send-${result.send.id}` },
    });
    expect(payload.Headers).toContainEqual({
      Name: "List-Unsubscribe-Post",
      Value: "List-Unsubscribe=One-Click",
    });
    expect(postmark.requests[0]?.headers["x-postmark-server-token"]).toBe("pm-server-token");
    // The same key again: the same send, no second call (Postmark has no idempotency of its own).
    const again = await mailer.send({
      to: "ann@example.com",
      template: "welcome",
      props: {},
      idempotencyKey: "pm-1",
    });
    expect(again).toMatchObject({ created: false, send: { id: result.send.id, status: "sent" } });
    expect(postmark.messages).toHaveLength(1);
  });

  it("fails a send whose request got no answer for an operator, and never sends it again by itself", async () => {
    const { mailer } = createRuntime(client, { clientJournal: null, templates });
    if (!mailer) throw new Error("a runtime with templates has a mailer");
    const before = postmark.requests.length;
    // The request reaches Postmark and the connection drops: it may have been accepted.
    postmark.dropNext();
    const result = await mailer.send({
      to: "bob@example.com",
      template: "welcome",
      idempotencyKey: "pm-drop",
    });
    expect(result.dispatch).toMatchObject({
      outcome: "failed",
      reason: expect.stringMatching(/no answer|unknown/i),
    });
    expect(postmark.requests.length - before).toBe(1);

    // Neither the queue nor a direct dispatch nor a repeat of the key sends it again.
    expect((await mailer.dispatchBatch()).claimed).toBe(0);
    expect(await mailer.dispatch(result.send.id)).toEqual({ outcome: "skipped", status: "failed" });
    const again = await mailer.send({
      to: "bob@example.com",
      template: "welcome",
      idempotencyKey: "pm-drop",
    });
    expect(again).toMatchObject({ created: false, send: { id: result.send.id, status: "failed" } });
    expect(postmark.requests.length - before).toBe(1);
  });
});
