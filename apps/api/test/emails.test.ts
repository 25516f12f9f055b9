import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import {
  renderTemplate,
  renderTemplateFromInput,
  signEmailToken,
  type TemplateKey,
  type TemplateProps,
} from "@hogsend/email";
import { describe, expect, it } from "vitest";
import { formatMoney } from "../src/emails/format.js";
import { type EmailTemplates, templates } from "../src/emails/index.js";

const secret = "test-secret-for-email-links-0123456789abcdef";
const keys = Object.keys(templates) as TemplateKey<EmailTemplates>[];

function linksFor(key: string) {
  const category = templates[key as TemplateKey<EmailTemplates>].category;
  const unsubscribe = signEmailToken({ contactId: "c_42", purpose: "unsubscribe", category }, secret);
  const preferences = signEmailToken({ contactId: "c_42", purpose: "preferences" }, secret);
  return {
    unsubscribeUrl: `https://mail.acme.example/v1/unsubscribe?token=${unsubscribe}&category=${category}`,
    preferencesUrl: `https://mail.acme.example/preferences?token=${preferences}`,
  };
}

interface AppErrorShape extends Error {
  code: string;
  status: number;
  details: unknown;
}

// apps/api does not depend on @hogsend/core, so the AppError is recognised by its shape.
async function rejection(promise: Promise<unknown>): Promise<AppErrorShape> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe("AppError");
  return error as AppErrorShape;
}

describe("email templates", () => {
  it("registers the sends the journeys make, plus transactional mail", () => {
    expect([...keys].sort()).toEqual([
      "activation-nudge",
      "getting-started-tips",
      "password-reset",
      "payment-failed",
      "payment-final-notice",
      "payment-reminder",
      "receipt",
      "trial-ended",
      "trial-ends-soon",
      "welcome",
    ]);
  });

  it.each(keys)("%s renders its example props to a complete email", async (key) => {
    const template = templates[key];
    const links = linksFor(key);
    const email = await renderTemplateFromInput(templates, key, template.example, links);
    expect(email.subject.trim().length).toBeGreaterThan(5);
    expect(email.category).toBe(template.category);
    expect(email.html).toMatch(/^<!DOCTYPE html/);
    expect(email.text.trim().length).toBeGreaterThan(100);
    for (const part of [email.subject, email.html, email.text]) {
      expect(part).not.toMatch(/undefined|\[object Object\]|NaN|null/);
    }
    expect(email.text).toContain("Acme, Inc. · 2261 Market Street");
    if (template.category === "transactional") {
      expect(email.text).not.toMatch(/unsubscribe|email preferences/i);
    } else {
      expect(email.text).toContain(`Unsubscribe ${links.unsubscribeUrl}`);
      expect(email.text).toContain(`Manage email preferences ${links.preferencesUrl}`);
    }
  });

  it("puts the props where the reader sees them", async () => {
    const welcome = await renderTemplate(templates, "welcome", { firstName: "Grace" });
    expect(welcome.subject).toBe("Welcome to Acme, Grace");
    expect(welcome.text).toContain("Hi Grace,");
    const anonymous = await renderTemplate(templates, "welcome", {});
    expect(anonymous.subject).toBe("Welcome to Acme");
    expect(anonymous.text).toContain("Hi there,");

    const trial = await renderTemplate(templates, "trial-ends-soon", { endsAt: "2026-03-14T09:00:00.000Z" });
    expect(trial.subject).toBe("Your Acme trial ends on March 14, 2026");
    expect(trial.text).toContain("move to a paid plan");

    const failed = await renderTemplate(templates, "payment-failed", templates["payment-failed"].example);
    expect(failed.text).toContain("We tried to charge $49.00 for invoice INV-2026-0142");
    expect(failed.text).toContain("https://pay.acme.example/invoice/inv_2026_0142");
    const sparse = await renderTemplate(templates, "payment-reminder", {});
    expect(sparse.text).toContain("that your payment didn't go through");
    expect(sparse.text).toContain("https://app.acme.example/settings/billing");

    const receipt = await renderTemplate(templates, "receipt", templates.receipt.example);
    expect(receipt.text).toMatch(/Additional seats × 3\s+\$24\.00/);
    expect(receipt.text).toMatch(/Total paid\s+\$73\.00/);
  });

  it("answers bad props from outside with the failing fields named", async () => {
    const error = await rejection(
      renderTemplateFromInput(templates, "receipt", {
        paidAt: "yesterday",
        currency: "dollars",
        lineItems: [{ description: "Team plan", amount: 49.5 }],
      }),
    );
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.status).toBe(400);
    const fields = (error.details as { fields: { field: string }[] }).fields.map((f) => f.field);
    expect(fields).toEqual([
      "props.receiptNumber",
      "props.paidAt",
      "props.currency",
      "props.lineItems.0.amount",
    ]);

    const reset = await rejection(
      renderTemplateFromInput(templates, "password-reset", { resetUrl: "not a url", expiresInMinutes: 60 }),
    );
    expect(reset.message).toBe("Invalid props for email template password-reset: props.resetUrl");
  });

  it("rejects an unknown key with a suggestion", async () => {
    const error = await rejection(renderTemplateFromInput(templates, "payment-faild", {}));
    expect(error.message).toBe('Unknown email template "payment-faild" (did you mean "payment-failed"?)');
  });

  it("types keys and props per template", () => {
    const props: TemplateProps<EmailTemplates, "trial-ends-soon"> = { endsAt: "2026-03-14T09:00:00.000Z" };
    expect(props.endsAt).toBeTruthy();
    // Type-level checks, enforced by `tsc -p apps/api`; the calls are never awaited or run.
    const typeChecks = () => [
      // @ts-expect-error: "welcom" is not a template key
      renderTemplate(templates, "welcom", {}),
      // @ts-expect-error: receipt needs receiptNumber, paidAt, currency and lineItems
      renderTemplate(templates, "receipt", { firstName: "Ada" }),
      // @ts-expect-error: endsAt is a string, not a Date
      renderTemplate(templates, "trial-ends-soon", { endsAt: new Date() }),
    ];
    expect(typeof typeChecks).toBe("function");
  });

  it("formats money in the currency's own minor units", () => {
    expect(formatMoney(4900, "usd")).toBe("$49.00");
    expect(formatMoney(5000, "JPY")).toBe("¥5,000");
    expect(formatMoney(1234, "EUR")).toBe("€12.34");
  });
});

describe("email templates under tsx", () => {
  // `pnpm dev` runs the api with tsx from the repo root, where no tsconfig sets the JSX runtime:
  // each .tsx file must declare it (the `@jsxRuntime automatic` pragma) or rendering fails with
  // "React is not defined" at the first send, long after boot.
  it("render from the repo root as pnpm dev runs them", async () => {
    const root = resolve(import.meta.dirname, "../../..");
    const script = `(async () => {
      const { renderTemplateFromInput } = await import(${JSON.stringify(join(root, "packages/email/src/index.ts"))});
      const { templates } = await import(${JSON.stringify(join(root, "apps/api/src/emails/index.ts"))});
      for (const [key, t] of Object.entries(templates)) {
        const email = await renderTemplateFromInput(templates, key, t.example, { unsubscribeUrl: "https://x.test/u" });
        process.stdout.write(key + " " + (email.text.length > 100) + "\\n");
      }
    })().catch((error) => { console.error(error); process.exit(1); });`;
    const { stdout } = await promisify(execFile)(join(root, "node_modules/.bin/tsx"), ["--eval", script], {
      cwd: root,
    });
    expect(stdout.trim().split("\n").sort()).toEqual(keys.map((key) => `${key} true`).sort());
  }, 30_000);
});
