import { describe, expect, it } from "vitest";
import { CliError } from "./exit-codes.js";
import { parseProps } from "./props.js";

describe("parseProps", () => {
  it("reads JSON-looking values as JSON and the rest as strings, --prop over --properties", () => {
    expect(
      parseProps(["plan=pro", "seats=3", "trial=false", "tags=[1]", "note=a=b"], '{"plan":"free","x":1}'),
    ).toEqual({ plan: "pro", x: 1, seats: 3, trial: false, tags: [1], note: "a=b" });
  });

  it("refuses a --prop without a key and --properties that is not a JSON object", () => {
    expect(() => parseProps(["=x"])).toThrow(CliError);
    expect(() => parseProps(["novalue"])).toThrow(/KEY=VALUE/);
    expect(() => parseProps([], "[1]")).toThrow(/JSON object/);
    expect(() => parseProps([], "{")).toThrow(/not JSON/);
  });
});
