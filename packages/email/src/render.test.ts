import { AppError } from "@hogsend/core";
import { describe, expect, it } from "vitest";
import { testTemplates } from "../test/templates.js";
import { renderTemplate, renderTemplateFromInput } from "./render.js";

const links = {
  unsubscribeUrl: "https://acme.test/v1/unsubscribe?token=v1.abc.def&c=product",
  preferencesUrl: "https://acme.test/preferences?token=v1.ghi.jkl",
};

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("renderTemplate", () => {
  it("renders HTML and plain text with the footer links, the subject function and the category", async () => {
    const email = await renderTemplate(
      testTemplates,
      "weekly-digest",
      { name: "Grace", items: [{ title: "Faster imports", url: "https://acme.test/changelog/2" }] },
      links,
    );
    expect(email.subject).toBe("Grace, your week on Acme");
    expect(email.category).toBe("product");
    expect(email.html).toMatch(/^<!DOCTYPE html/);
    expect(email.html).toContain("Hi <!-- -->Grace");
    expect(email.html).toContain('href="https://acme.test/v1/unsubscribe?token=v1.abc.def&amp;c=product"');
    expect(email.html).toContain(`href="${links.preferencesUrl}"`);
    expect(email.html).toContain("Acme Inc., 1 Main St, Springfield");
    expect(email.text).toContain("Hi Grace, here is what happened this week:");
    expect(email.text).toContain("Faster imports https://acme.test/changelog/2");
    expect(email.text).toContain(`Unsubscribe ${links.unsubscribeUrl}`);
    expect(email.text).toContain(`Manage email preferences ${links.preferencesUrl}`);
    // The inbox preview line is for the HTML part only.
    expect(email.html).toContain("This week on Acme");
    expect(email.text).not.toContain("This week on Acme");
    expect(email.text).not.toContain("<");
  });

  it("leaves the unsubscribe and preference links out of transactional mail", async () => {
    const email = await renderTemplate(testTemplates, "receipt", { total: "$12.00" }, links);
    expect(email.subject).toBe("Your Acme receipt");
    expect(email.category).toBe("transactional");
    expect(email.text).toContain("We received your payment of $12.00.");
    expect(email.html).not.toContain("unsubscribe");
    expect(email.text).not.toMatch(/unsubscribe|preferences/i);
  });

  it("renders without links for previews", async () => {
    const email = await renderTemplate(
      testTemplates,
      "weekly-digest",
      testTemplates["weekly-digest"].example,
    );
    expect(email.text).toContain("Hi Ada");
    expect(email.text).not.toContain("Unsubscribe");
  });

  it("refuses a marketing template whose markup drops the unsubscribe link", async () => {
    const error = await failure(renderTemplate(testTemplates, "bare", { note: "Hello" }, links));
    expect(error.code).toBe("INTERNAL");
    expect(error.message).toContain("bare dropped its unsubscribe link");
  });

  it("rejects an unknown key at run time, naming it with a suggestion", async () => {
    const error = await failure(renderTemplateFromInput(testTemplates, "weekly-digst", {}));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.status).toBe(400);
    expect(error.message).toBe('Unknown email template "weekly-digst" (did you mean "weekly-digest"?)');
    expect(error.details).toMatchObject({ fields: [{ field: "template" }] });

    const far = await failure(renderTemplateFromInput(testTemplates, "password-reset", {}));
    expect(far.message).toBe('Unknown email template "password-reset"');
    // Keys come from a plain object: inherited names are not templates.
    await failure(renderTemplateFromInput(testTemplates, "toString", {}));
  });

  it("validates props with the template's schema and names every failing field", async () => {
    const error = await failure(
      renderTemplateFromInput(testTemplates, "weekly-digest", { items: [{ title: "x" }, { url: "u" }] }),
    );
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toBe(
      "Invalid props for email template weekly-digest: props.name, props.items.0.url",
    );
    expect(error.details).toEqual({
      fields: [
        { field: "props.name", message: "Required" },
        { field: "props.items.0.url", message: "Expected a URL" },
      ],
    });
  });

  it("requires props to be an object", async () => {
    for (const props of [null, "x", [1]]) {
      const error = await failure(renderTemplateFromInput(testTemplates, "receipt", props));
      expect(error.details).toEqual({ fields: [{ field: "props", message: "Expected an object" }] });
    }
  });
});
