import { join, resolve } from "node:path";
import { type FakeResend, startFakeResend } from "@hogsend/devstack/fakes";
import {
  createTestDatabase,
  eventually,
  type RunningProcess,
  startProcess,
  type TestDatabase,
  testStack,
} from "@hogsend/devstack/testing";
import {
  createHogsendClient,
  createLogger,
  createRuntime,
  type HogsendClient,
  type Mailer,
} from "@hogsend/engine";
import { testEnv } from "@hogsend/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { content } from "../src/content.js";
import { templates } from "../src/emails/index.js";

const root = resolve(import.meta.dirname, "../../..");
const stack = testStack();
let db: TestDatabase;
let resend: FakeResend;
let client: HogsendClient;
let mailer: Mailer;
const workers: RunningProcess[] = [];

const providerEnv = () => ({
  EMAIL_PROVIDER: "resend",
  RESEND_API_KEY: "re_test_key",
  RESEND_BASE_URL: resend.url,
  EMAIL_FROM: "Hogsend Tests <tests@hogsend.test>",
  API_PUBLIC_URL: "https://hogsend.example.com",
  // The fake takes any rate; the scheduler must not be what the test waits on.
  EMAIL_RATE_PER_SECOND: "1000",
  EMAIL_RATE_BURST: "50",
});

beforeAll(async () => {
  db = await createTestDatabase();
  resend = await startFakeResend({ apiKey: "re_test_key", record: false });
  client = createHogsendClient(testEnv(stack, { DATABASE_URL: db.url, ...providerEnv() }), {
    version: "test",
    role: "api",
    logger: createLogger({ level: "error", json: true, write: () => {} }),
  });
  const runtime = createRuntime(client, content, { loops: [] });
  if (!runtime.mailer) throw new Error("the app's content has templates");
  mailer = runtime.mailer;
});
afterAll(async () => {
  for (const w of workers) await w.stop("SIGKILL");
  await client?.close();
  await resend?.close();
  await db?.drop();
});

function startWorker() {
  // node itself, not a wrapper: SIGKILL must hit the process that holds the claims.
  const worker = startProcess(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "fixtures/send-test-worker.ts")],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "test",
        LOG_LEVEL: "warn",
        DATABASE_URL: db.url,
        REDIS_URL: stack.REDIS_URL,
        BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-42",
        HATCHET_CLIENT_TOKEN: stack.HATCHET_CLIENT_TOKEN,
        HATCHET_CLIENT_HOST_PORT: stack.HATCHET_CLIENT_HOST_PORT,
        HATCHET_CLIENT_TLS_STRATEGY: stack.HATCHET_CLIENT_TLS_STRATEGY,
        HATCHET_CLIENT_NAMESPACE: stack.HATCHET_CLIENT_NAMESPACE,
        ...providerEnv(),
      },
    },
  );
  workers.push(worker);
  return worker;
}

describe("the worker's email dispatcher", () => {
  it("killed mid-batch, loses nothing and mails nobody twice: the batch the provider took is replayed as it was", async () => {
    const sends = await Promise.all(
      Array.from({ length: 250 }, (_, i) =>
        // Marketing mail: per-recipient unsubscribe tokens, tracked links and a pixel, all of
        // which the replay must render exactly as the first attempt did.
        mailer.enqueue({
          to: `crash-${i}@example.com`,
          template: "getting-started-tips",
          props: templates["getting-started-tips"].example,
        }),
      ),
    );
    // The provider takes each batch request but answers only after the worker is dead.
    resend.delayNext({ ms: 1_500, times: 5 });
    const worker = startWorker();
    const withOutput = async (err: Error) => {
      const states = await client.db.sql`select status, count(*)::int as n from email_sends group by status`;
      throw new Error(`${err.message}\n${JSON.stringify(states)}\n${worker.output()}`);
    };
    await worker.waitFor(/dispatcher started/, 60_000).catch(withOutput);
    await eventually("a batch request to reach the provider", () => resend.stats().requests > 0, {
      timeoutMs: 30_000,
      intervalMs: 20,
    }).catch(withOutput);
    await worker.stop("SIGKILL");
    // The held requests are taken by the provider after the worker died: accepted, never recorded.
    await eventually("a held batch to be accepted by the provider", () => resend.ledger.accepted >= 100, {
      timeoutMs: 10_000,
    });
    await new Promise((r) => setTimeout(r, 1_600));
    const [inFlight] = await client.db.sql<
      { n: number }[]
    >`select count(*)::int as n from email_sends where status = 'sending'`;
    expect(inFlight?.n).toBeGreaterThanOrEqual(100);

    // The stale window passes (five minutes in production), then another dispatcher takes over.
    await client.db
      .sql`update email_sends set claimed_at = now() - interval '10 minutes' where status = 'sending'`;
    await eventually(
      "every send to settle",
      async () => {
        await mailer.dispatchBatch();
        const [left] = await client.db.sql<{ n: number }[]>`
          select count(*)::int as n from email_sends where status in ('queued', 'sending')`;
        return left?.n === 0;
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );

    const rows = await client.db.sql<{ id: string; status: string; provider_message_id: string }[]>`
      select id, status, provider_message_id from email_sends`;
    expect(rows).toHaveLength(sends.length);
    expect(rows.every((r) => r.status === "sent")).toBe(true);
    expect(resend.ledger.duplicateKeys()).toEqual([]);
    // The replayed batch was the same request: the provider answered from its idempotency record.
    expect(resend.stats().byStatus["409"]).toBeUndefined();
    expect(resend.ledger.accepted).toBe(sends.length);
    for (const row of rows) {
      // One provider message per send, and it is the one the send recorded.
      expect(resend.ledger.byKey.get(`hogsend-send-${row.id}`)).toEqual([row.provider_message_id]);
    }
  }, 120_000);

  it("on SIGTERM stops claiming, finishes the batch in flight, and leaves the rest queued", async () => {
    await client.db.sql`delete from email_sends`;
    resend.reset();
    await Promise.all(
      Array.from({ length: 250 }, (_, i) =>
        mailer.enqueue({
          to: `term-${i}@example.com`,
          template: "receipt",
          props: templates.receipt.example,
        }),
      ),
    );
    // Every batch request is held a while: the stop lands while batches are in flight.
    resend.delayNext({ ms: 1_500, times: 10 });
    const worker = startWorker();
    await worker.waitFor(/dispatcher started/, 60_000);
    await eventually("a batch request to reach the provider", () => resend.stats().requests > 0, {
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    const exited = worker.stop("SIGTERM", 20_000);
    await worker.waitFor(/send test worker: stopped/, 20_000);
    await exited;
    const states = await client.db.sql<{ status: string; n: number }[]>`
      select status, count(*)::int as n from email_sends group by status order by status`;
    // What was claimed went out and was recorded; nothing is left claimed; the rest waits.
    expect(states.find((s) => s.status === "sending")).toBeUndefined();
    const sent = states.find((s) => s.status === "sent")?.n ?? 0;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBe(resend.ledger.accepted);
    expect(states.find((s) => s.status === "queued")?.n ?? 0).toBe(250 - sent);
    expect(sent).toBeLessThan(250);
  }, 60_000);
});
