import { describe, expect, it } from "vitest";
import { findUnstorable, MAX_JSON_ARRAY, MAX_JSON_DEPTH } from "./json-guard.js";

const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });

describe("findUnstorable", () => {
  it("accepts ordinary JSON, emoji (a surrogate pair) included", () => {
    expect(
      findUnstorable({ name: "ok", props: { emoji: "🎉", list: [1, "two", null], nested: nested(10) } }),
    ).toBe(undefined);
  });

  it("names the field holding a NUL, a lone surrogate, or such a key", () => {
    expect(findUnstorable({ a: { b: ["x", "y\u0000"] } })).toEqual({
      field: "a.b.1",
      message: "contains a NUL character or a lone surrogate",
    });
    expect(findUnstorable({ a: "\ud800" })?.field).toBe("a");
    expect(findUnstorable({ a: "\udc00x" })?.field).toBe("a");
    expect(findUnstorable({ "k\u0000": 1 })?.message).toMatch(/^key/);
  });

  it("stops at the depth and array length limits", () => {
    expect(findUnstorable(nested(MAX_JSON_DEPTH - 1))).toBe(undefined);
    expect(findUnstorable(nested(MAX_JSON_DEPTH + 1))?.message).toMatch(/nests deeper/);
    expect(findUnstorable({ list: new Array(MAX_JSON_ARRAY + 1).fill(0) })).toEqual({
      field: "list",
      message: `has more than ${MAX_JSON_ARRAY} items`,
    });
  });
});
