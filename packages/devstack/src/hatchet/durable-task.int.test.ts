import { randomUUID } from "node:crypto";
import { HatchetClient } from "@hatchet-dev/typescript-sdk/v1/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, testStack } from "../testing.js";

/**
 * Proves the devstack engine is a real, working Hatchet: a durable task sleeps, then waits
 * for an event filtered to its own user, and completes only when that event arrives.
 */
describe("hatchet engine from devstack", () => {
  const stack = testStack();
  const hatchet = HatchetClient.init({
    token: stack.HATCHET_CLIENT_TOKEN,
    host_port: stack.HATCHET_CLIENT_HOST_PORT,
    tls_config: { tls_strategy: stack.HATCHET_CLIENT_TLS_STRATEGY },
    namespace: `${stack.HATCHET_CLIENT_NAMESPACE}_devstack_`,
    log_level: "WARN",
  });
  const EVENT = "checkout:completed";
  /** Users whose run is past its sleep, i.e. about to wait for their event (the worker runs in this process). */
  const pastSleep = new Set<string>();

  const sleepThenWait = hatchet.durableTask({
    name: "sleep-then-wait-for-user-event",
    executionTimeout: "2m",
    retries: 0,
    fn: async (input: { userId: string }, ctx) => {
      const slept = await ctx.sleepFor("2s");
      pastSleep.add(input.userId);
      // Filtered inside Hatchet by scope and CEL: only this user's event wakes the run. The
      // lookback covers an event that lands between the sleep ending and the wait registering.
      const event = await ctx.waitForEvent(
        EVENT,
        `input.userId == '${input.userId}'`,
        undefined,
        input.userId,
        "10m",
      );
      return { userId: input.userId, sleptMs: slept.durationMs, orderId: String(event.orderId ?? "") };
    },
  });

  let worker: Awaited<ReturnType<typeof hatchet.worker>>;

  beforeAll(async () => {
    worker = await hatchet.worker("devstack-probe", { workflows: [sleepThenWait], slots: 5 });
    void worker.start();
    await worker.waitUntilReady?.(30_000);
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it("sleeps 2 s, waits for its user's event, and completes with the expected output", async () => {
    const userId = `u_${randomUUID()}`;
    const ref = await sleepThenWait.runNoWait({ userId });
    const runId = await ref.getWorkflowRunId();

    await eventually("the run past its sleep", () => pastSleep.has(userId), { intervalMs: 50 });

    // Past the sleep, another user's event must not wake it; this user's event must. Nothing
    // signals that Hatchet let the other event pass, so this negative check waits a bounded
    // second (this user's event wakes the run in well under that); the run must still be waiting.
    // The orderId in the output catches a wrong wake that comes later.
    const otherUser = `u_${randomUUID()}`;
    await hatchet.events.push(EVENT, { userId: otherUser, orderId: "wrong" }, { scope: otherUser });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await hatchet.runs.get_status(runId)).toBe("RUNNING");
    await hatchet.events.push(EVENT, { userId, orderId: "ord_42" }, { scope: userId });

    const output = await ref.output;
    expect(output).toMatchObject({ userId, orderId: "ord_42" });
    expect(output.sleptMs).toBeGreaterThanOrEqual(2_000);
  }, 90_000);
});
