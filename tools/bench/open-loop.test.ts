import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createTriggerSource } from "./events.js";
import { driveOpenLoop } from "./open-loop.js";

const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** An api that answers nothing until `holdUntil` requests are open (or `release()`), then answers all 202. */
async function stalledApi(holdUntil: number) {
  const held: ServerResponse[] = [];
  let releasedWith: number | undefined;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (releasedWith !== undefined) return res.writeHead(202).end("{}");
      held.push(res);
      if (held.length >= holdUntil) release();
    });
  });
  const release = () => {
    releasedWith = held.length;
    for (const r of held.splice(0)) r.writeHead(202).end("{}");
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({ close: () => server.close() });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    releasedWith: () => releasedWith,
    release,
  };
}

describe("driveOpenLoop", () => {
  it("sends every event on its schedule while nothing is answered, and times each from its scheduled send", async () => {
    // 50/s for 400 ms: 20 events due at 0, 20, …, 380 ms; the api answers none until all 20 are in.
    const api = await stalledApi(20);
    const result = await driveOpenLoop({
      url: api.url,
      key: "hsk_test",
      ratePerSecond: 50,
      maxInFlight: 100,
      warmupMs: 0,
      durationMs: 400,
      events: createTriggerSource({ keyPrefix: "t", event: "user_signed_up" }),
      progress: () => {},
    });
    // A closed loop would have stopped at its worker count; this one did not wait for answers.
    expect(api.releasedWith()).toBe(20);
    expect(result.open).toMatchObject({ scheduled: 20, sent: 20, peakInFlight: 20 });
    expect(result).toMatchObject({ mode: "open", accepted: 20, errors: {} });
    expect(result.latency.count).toBe(20);
  });

  it("counts a client that fell behind its schedule: latency from the scheduled time, late sends", async () => {
    const api = await stalledApi(1); // answers at once
    const run = driveOpenLoop({
      url: api.url,
      key: "hsk_test",
      ratePerSecond: 50,
      maxInFlight: 100,
      warmupMs: 0,
      durationMs: 400,
      events: createTriggerSource({ keyPrefix: "t", event: "user_signed_up" }),
      progress: () => {},
    });
    // The client's own event loop stalls for 300 ms: the events due at 20, 40, … 280 ms go out late.
    const stalled = performance.now();
    while (performance.now() - stalled < 300) {}
    const result = await run;
    expect(result.open?.lateSends).toBeGreaterThanOrEqual(13);
    expect(result.open?.maxSendLagMs).toBeGreaterThanOrEqual(270);
    // Timed from when it was sent, the event due at 20 ms would look like a fast answer; it waited ≥ 280 ms.
    expect(result.latency.max).toBeGreaterThanOrEqual(280);
    expect(result.accepted).toBe(20);
  });

  it("does not send an event due while maxInFlight requests are open, and counts it as an error", async () => {
    const api = await stalledApi(Number.POSITIVE_INFINITY);
    const run = driveOpenLoop({
      url: api.url,
      key: "hsk_test",
      ratePerSecond: 50,
      maxInFlight: 5,
      warmupMs: 0,
      durationMs: 400,
      events: createTriggerSource({ keyPrefix: "t", event: "user_signed_up" }),
      progress: () => {},
    });
    // Everything is held, so only the first five go out; by 1 s all 20 were due, then the five answered.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    api.release();
    const result = await run;
    expect(api.releasedWith()).toBe(5);
    expect(result.open).toMatchObject({ scheduled: 20, sent: 5, peakInFlight: 5 });
    expect(result.errors["not sent (in-flight cap)"]).toBe(15);
  });
});
