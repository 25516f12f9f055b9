import { AppError, suggest } from "@hogsend/core";
import type { ReactNode } from "react";
import type { PropsSchema } from "./props-schema.js";

/**
 * "transactional" mail (receipts, sign-in and reset links) is sent regardless of preferences and
 * carries no unsubscribe link; every other category is one a contact can opt out of.
 */
export type TemplateCategory = "transactional" | (string & {});

/** One email: its React Email component, subject, category and realistic example props. */
export interface TemplateDefinition<P extends object> {
  readonly component: (props: P) => ReactNode;
  readonly subject: string | ((props: P) => string);
  readonly category: TemplateCategory;
  /** Realistic props: previews, tests and docs render the template with them. */
  readonly example: P;
  /** Validates props before rendering; recommended, since `POST /v1/emails` takes props from outside. */
  readonly props?: PropsSchema<P>;
}

// Each entry is checked against its own props by defineTemplate; the registry only needs the shape.
// biome-ignore lint/suspicious/noExplicitAny: props differ per key and are recovered by TemplateProps
export type AnyTemplateDefinition = TemplateDefinition<any>;

export type TemplateRegistry = Readonly<Record<string, AnyTemplateDefinition>>;

/** The union of a registry's keys. */
export type TemplateKey<R extends TemplateRegistry> = Extract<keyof R, string>;

/** The props the template under key K takes. */
export type TemplateProps<R extends TemplateRegistry, K extends TemplateKey<R>> =
  R[K] extends TemplateDefinition<infer P> ? P : never;

/** Declares one template; its props type is inferred from the component (and schema, if given). */
export function defineTemplate<P extends object>(definition: TemplateDefinition<P>): TemplateDefinition<P> {
  return definition;
}

const KEY_PATTERN = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;

/** Declares the registry: key → template. Keys are lower-case ids such as `payment-failed`. */
export function defineTemplates<const R extends Record<string, AnyTemplateDefinition>>(
  templates: R,
): Readonly<R> {
  for (const [key, template] of Object.entries(templates)) {
    if (!KEY_PATTERN.test(key)) {
      throw new Error(
        `email template key ${JSON.stringify(key)} must be lower-case letters, digits and - _ .`,
      );
    }
    if (typeof template.component !== "function") throw new Error(`email template ${key} has no component`);
    if (typeof template.category !== "string" || template.category.trim() === "") {
      throw new Error(`email template ${key} has no category`);
    }
  }
  return Object.freeze({ ...templates });
}

/** The template under `key`; an unknown key is a 400-style AppError naming it, with a suggestion. */
export function getTemplate<R extends TemplateRegistry>(registry: R, key: string): R[TemplateKey<R>] {
  if (Object.hasOwn(registry, key)) return registry[key] as R[TemplateKey<R>];
  const known = Object.keys(registry);
  const best = suggest(key, known);
  const message = `Unknown email template ${JSON.stringify(key)}${best ? ` (did you mean ${JSON.stringify(best)}?)` : ""}`;
  throw new AppError("VALIDATION_FAILED", message, {
    details: { fields: [{ field: "template", message }], known },
  });
}
