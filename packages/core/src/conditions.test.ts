import { describe, expect, it } from "vitest";
import { evaluateCondition, evaluateConditions } from "./conditions.js";
import { parseDuration } from "./duration.js";

const props = {
  plan: "pro",
  seats: 12,
  tags: ["beta", "vip"],
  company: { size: "50" },
  note: "hello world",
  nil: null,
};

describe("conditions", () => {
  it.each([
    [{ property: "plan", op: "eq", value: "pro" }, true],
    [{ property: "plan", op: "neq", value: "pro" }, false],
    [{ property: "seats", op: "gt", value: 10 }, true],
    [{ property: "seats", op: "gte", value: 12 }, true],
    [{ property: "seats", op: "lt", value: 12 }, false],
    [{ property: "seats", op: "lte", value: 12 }, true],
    [{ property: "company.size", op: "gt", value: "9" }, true],
    [{ property: "plan", op: "gt", value: 1 }, false],
    [{ property: "plan", op: "exists" }, true],
    [{ property: "nil", op: "exists" }, false],
    [{ property: "missing.deep", op: "not_exists" }, true],
    [{ property: "tags", op: "contains", value: "vip" }, true],
    [{ property: "note", op: "contains", value: "world" }, true],
    [{ property: "seats", op: "contains", value: 1 }, false],
    [{ property: "plan", op: "in", value: ["pro", "team"] }, true],
    [{ property: "plan", op: "in", value: ["free"] }, false],
  ] as const)("%j → %s", (condition, expected) => {
    expect(evaluateCondition(condition, props)).toBe(expected);
  });

  it("requires every condition, and an empty list holds", () => {
    expect(evaluateConditions([], props)).toBe(true);
    expect(
      evaluateConditions(
        [
          { property: "plan", op: "eq", value: "pro" },
          { property: "seats", op: "gt", value: 100 },
        ],
        props,
      ),
    ).toBe(false);
  });
});

describe("parseDuration", () => {
  it("reads units and combinations, and refuses anything else", () => {
    expect(parseDuration("2s")).toBe(2_000);
    expect(parseDuration("1d12h")).toBe(129_600_000);
    expect(parseDuration("1w")).toBe(604_800_000);
    expect(() => parseDuration("2 days")).toThrow(/invalid duration "2 days"/);
    expect(() => parseDuration("")).toThrow();
  });
});
