import { describe, expect, it } from "vitest";
import { suggest } from "./suggest.js";

describe("suggest", () => {
  it("names the closest known name within a few edits", () => {
    expect(suggest("welcom", ["trial-expiring", "welcome", "payment-recovery"])).toBe("welcome");
    expect(suggest("payment-faild", new Set(["payment-failed", "payment-reminder"]))).toBe("payment-failed");
  });

  it("suggests nothing when no name is close", () => {
    expect(suggest("nope", ["welcome", "trial-expiring"])).toBeUndefined();
    expect(suggest("anything", [])).toBeUndefined();
  });
});
