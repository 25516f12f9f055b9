import { type FakePostmark, startFakePostmark } from "@hogsend/devstack/fakes";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createCapturingFetch } from "./capture-response.js";

let fake: FakePostmark;
beforeAll(async () => {
  fake = await startFakePostmark();
});
afterAll(async () => {
  await fake.close();
});

const post = (t: ReturnType<typeof createCapturingFetch>, init: RequestInit = {}) =>
  t.fetch(`${fake.url}/email`, {
    method: "POST",
    headers: { "x-postmark-server-token": "t", "content-type": "application/json" },
    body: "{}",
    ...init,
  });

describe("createCapturingFetch", () => {
  it("gives each concurrent call its own response, even when they finish out of order", async () => {
    fake.reset();
    fake.failNext({ status: 429, retryAfterSeconds: 7 });
    fake.delayNext({ ms: 200 });
    const transport = createCapturingFetch();
    const slow = transport.run(() => post(transport));
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    const fast = await transport.run(() => post(transport));
    const slowDone = await slow;
    expect(fast.capture.response?.status).toBe(422);
    expect(fast.capture.response?.headers.get("retry-after")).toBeNull();
    expect(slowDone.capture.response?.status).toBe(429);
    expect(slowDone.capture.response?.headers.get("retry-after")).toBe("7");
  });

  it("records the transport error of a call that timed out", async () => {
    fake.reset();
    fake.delayNext({ ms: 1_000 });
    const transport = createCapturingFetch();
    const call = await transport.run(() => post(transport, { signal: AbortSignal.timeout(50) }));
    expect(call.ok).toBe(false);
    expect((call.capture.error as Error).name).toBe("TimeoutError");
    expect(call.capture.response).toBeUndefined();
  });
});
