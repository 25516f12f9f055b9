import { describe, expect, it } from "vitest";
import { createLogger } from "../platform/logger.js";
import { cancelJourneyRuns } from "./exit-check.js";

function clientWith(cancel: () => Promise<unknown>) {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", json: true, write: (l) => lines.push(l) });
  return {
    client: { hatchet: { runs: { cancel } }, logger } as Parameters<typeof cancelJourneyRuns>[0],
    lines,
  };
}

describe("cancelJourneyRuns", () => {
  it("gives up on an engine that never answers once the deadline passes, logging it", async () => {
    const { client, lines } = clientWith(() => new Promise(() => {}));
    const started = Date.now();
    expect(await cancelJourneyRuns(client, ["run-1"], 100)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(lines.join("")).toMatch(/could not cancel exited journey runs.*did not answer within 100ms/);
  });

  it("reports an accepted cancel, and asks nothing for no runs", async () => {
    let calls = 0;
    const { client } = clientWith(async () => {
      calls++;
    });
    expect(await cancelJourneyRuns(client, ["run-1"])).toBe(true);
    expect(await cancelJourneyRuns(client, [])).toBe(true);
    expect(calls).toBe(1);
  });
});
