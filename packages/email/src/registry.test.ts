import { describe, expect, it } from "vitest";
import { testTemplates } from "../test/templates.js";
import { defineTemplate, defineTemplates, type TemplateKey, type TemplateProps } from "./registry.js";

describe("defineTemplates", () => {
  it("keeps the keys and their props types", () => {
    const keys: TemplateKey<typeof testTemplates>[] = ["weekly-digest", "receipt", "bare"];
    expect(Object.keys(testTemplates).sort()).toEqual([...keys].sort());
    const props: TemplateProps<typeof testTemplates, "receipt"> = { total: "$1.00" };
    // @ts-expect-error: an unknown key is a type error
    const unknown: TemplateKey<typeof testTemplates> = "weekly-digst";
    expect([props.total, unknown]).toEqual(["$1.00", "weekly-digst"]);
  });

  it("refuses keys that are not lower-case ids and templates without a component or category", () => {
    const valid = defineTemplate({ component: () => null, subject: "s", category: "product", example: {} });
    expect(() => defineTemplates({ "Welcome Email": valid })).toThrow(/must be lower-case/);
    expect(() => defineTemplates({ welcome: { ...valid, category: " " } })).toThrow(
      /welcome has no category/,
    );
    expect(() => defineTemplates({ welcome: { ...valid, component: undefined as never } })).toThrow(
      /welcome has no component/,
    );
  });
});
