import { randomUUID } from "node:crypto";
import { createTestDatabase, eventually, type TestDatabase } from "@hogsend/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "../client.js";
import { createClaimOwner } from "./claim-owner.js";
import { claimSends, claimStaleBatch, DISPATCH_STATEMENTS, recordSendOutcomes } from "./email-dispatch.js";
import { ENQUEUE_FACTS_STATEMENT } from "./email-enqueue.js";

let database: TestDatabase;
let handle: DbHandle;

/**
 * A first big send: many sends already out, a queue, some contacts with preferences, and the
 * statistics still those of the empty tables (autovacuum analyses at most once a minute). Plans
 * chosen on such statistics are the ones that went wrong.
 */
beforeAll(async () => {
  database = await createTestDatabase();
  handle = createDb(database.url, { max: 2 });
  const { sql } = handle;
  await sql`analyze`;
  await sql`insert into contacts (email) select 'c' || g || '@example.test' from generate_series(1, 1000) g`;
  const sends = (status: string, n: number) => sql`
    insert into email_sends (idempotency_key, contact_id, to_email, template, category, subject, status, sent_at)
    select 'seed:' || gen_random_uuid(), c.id, c.email, 'welcome', 'marketing', 'Hi', ${status},
      case when ${status} = 'sent' then now() end
    from generate_series(1, ${n}) g
    join lateral (select id, email from contacts order by id offset (g % 1000) limit 1) c on true`;
  await sends("sent", 20_000);
  await sends("queued", 2_000);
  await sql`insert into email_preferences (contact_id, unsubscribed_all)
    select id, false from contacts order by id limit 500`;
}, 120_000);

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

/** The plan Postgres settles on for a prepared statement after its fifth call. */
async function genericPlan(statement: string, types: string, args: string): Promise<string> {
  return handle.sql.begin(async (tx) => {
    await tx`set local plan_cache_mode = force_generic_plan`;
    await tx.unsafe(`prepare plan_probe(${types}) as ${statement}`);
    const rows = await tx.unsafe(`explain execute plan_probe(${args})`);
    await tx.unsafe("deallocate plan_probe");
    return rows.map((r) => r["QUERY PLAN"] as string).join("\n");
  });
}

describe("the enqueue and dispatch statements", () => {
  it("claim, take over and record through narrow indexes, never walking all sends or preferences", async () => {
    const plans = [
      await genericPlan(
        DISPATCH_STATEMENTS.claimDue,
        "int, uuid, boolean, uuid",
        `100, '${randomUUID()}', true, '${randomUUID()}'`,
      ),
      await genericPlan(
        DISPATCH_STATEMENTS.claimStale,
        "int, boolean, uuid",
        `300000, true, '${randomUUID()}'`,
      ),
      await genericPlan(DISPATCH_STATEMENTS.record, "text", `'[]'`),
      await genericPlan(
        ENQUEUE_FACTS_STATEMENT,
        "text, uuid, text, text, uuid, text, timestamptz, boolean",
        `'k', null, null, 'c1@example.test', null, 'j', now() - interval '1 day', true`,
      ),
    ];
    expect(plans[0]).toMatch(/email_sends_due_idx/);
    for (const plan of plans) {
      expect(plan).not.toMatch(/Seq Scan on email_sends/);
      expect(plan).not.toMatch(/Seq Scan on email_preferences/);
      // (status, created_at) holds every send ever sent under 'sent': no per-contact count walks it.
      expect(plan).not.toMatch(/email_sends_status_created_idx/);
    }
  });

  it("claims due sends oldest first as one batch and records their outcomes", async () => {
    const batch = await claimSends(handle.sql, {
      limit: 50,
      batchId: randomUUID(),
      countSentToday: true,
      owner: null,
    });
    expect(batch).toHaveLength(50);
    const positions = await handle.sql<{ batch_position: number }[]>`
      select batch_position from email_sends where id = any(${batch.map((s) => s.id)}::uuid[]) order by batch_position`;
    expect(positions.map((p) => p.batch_position)).toEqual(batch.map((_, i) => i + 1));
    const changed = await recordSendOutcomes(
      handle.sql,
      batch.map((s) => ({ id: s.id, status: "sent", provider: "test", providerMessageId: `m-${s.id}` })),
    );
    expect(changed.size).toBe(50);
    const [events] = await handle.sql<{ n: number }[]>`
      select count(*)::int as n from email_events where send_id = any(${batch.map((s) => s.id)}::uuid[]) and type = 'sent'`;
    expect(events?.n).toBe(50);
  });

  it("takes a batch over the moment its owner's session ends, and not while it lives", async () => {
    // The owner on a pool of its own: ending that pool is the process dying.
    const ownerDb = createDb(database.url, { max: 2 });
    const owner = createClaimOwner(ownerDb.sql);
    const ownerId = await owner.id();
    expect(ownerId).toEqual(expect.any(String));
    expect(await owner.id()).toBe(ownerId);
    const batch = await claimSends(ownerDb.sql, {
      limit: 5,
      batchId: randomUUID(),
      countSentToday: false,
      owner: ownerId,
    });
    expect(batch).toHaveLength(5);
    const takeOver = (staleClaimMs: number) =>
      claimStaleBatch(handle.sql, { staleClaimMs, countSentToday: false, owner: randomUUID() });

    // Alive, and the claim is fresh: nobody takes it.
    expect(await takeOver(3_600_000)).toEqual([]);
    await ownerDb.close();
    // The client's end resolves once its socket closes; the server frees the session's advisory
    // lock as its backend exits, a moment later. Within a second, not at the timeout.
    const taken = await eventually(
      "the takeover of the dead owner's batch",
      async () => {
        const rows = await takeOver(3_600_000);
        return rows.length > 0 && rows;
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    expect(taken.map((s) => s.id)).toEqual(batch.map((s) => s.id));
    expect(taken.every((s) => s.attempts === 2)).toBe(true);
    await recordSendOutcomes(
      handle.sql,
      taken.map((s) => ({ id: s.id, status: "sent", provider: "test", providerMessageId: `m-${s.id}` })),
    );
  });

  it("still takes over a live owner's claim once it is older than the stale-claim timeout", async () => {
    const ownerDb = createDb(database.url, { max: 2 });
    const owner = createClaimOwner(ownerDb.sql);
    try {
      const batch = await claimSends(ownerDb.sql, {
        limit: 3,
        batchId: randomUUID(),
        countSentToday: false,
        owner: await owner.id(),
      });
      await handle.sql`update email_sends set claimed_at = now() - interval '10 minutes'
        where id = any(${batch.map((s) => s.id)}::uuid[])`;
      const taken = await claimStaleBatch(handle.sql, {
        staleClaimMs: 300_000,
        countSentToday: false,
        owner: null,
      });
      expect(taken.map((s) => s.id).sort()).toEqual(batch.map((s) => s.id).sort());
    } finally {
      await owner.close();
      await ownerDb.close();
    }
  });
});
