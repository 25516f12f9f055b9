import { describe, expect, it } from "vitest";
import { testStack } from "./testing.js";

describe("testStack", () => {
  it("fails a unit test that needs the stack with the naming convention", () => {
    // This file is a unit test (`*.test.ts`): its project starts no stack.
    expect(() => testStack()).toThrow("this test needs the stack: name it *.int.test.ts");
  });
});
