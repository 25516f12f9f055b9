/** @jsxRuntime automatic */
import type { PropsSchema, PropsSchemaIssue } from "../src/index.js";
import { defineTemplate, defineTemplates, EmailLayout } from "../src/index.js";

interface DigestProps {
  name: string;
  items: { title: string; url: string }[];
}

// A hand-written Standard Schema: the registry must accept any validator of that shape, not only zod.
const digestSchema: PropsSchema<DigestProps> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate(value) {
      const issues: PropsSchemaIssue[] = [];
      const input = value as Record<string, unknown>;
      if (typeof input.name !== "string" || input.name === "") {
        issues.push({ message: "Required", path: ["name"] });
      }
      if (!Array.isArray(input.items)) {
        issues.push({ message: "Expected an array", path: ["items"] });
      } else {
        input.items.forEach((item: unknown, i) => {
          if (typeof (item as { url?: unknown })?.url !== "string") {
            issues.push({ message: "Expected a URL", path: ["items", { key: i }, "url"] });
          }
        });
      }
      return issues.length > 0 ? { issues } : { value: input as unknown as DigestProps };
    },
  },
};

function Digest(props: DigestProps) {
  return (
    <EmailLayout
      preview="This week on Acme"
      brandName="Acme"
      postalAddress="Acme Inc., 1 Main St, Springfield"
    >
      <p>Hi {props.name}, here is what happened this week:</p>
      <ul>
        {props.items.map((item) => (
          <li key={item.url}>
            <a href={item.url}>{item.title}</a>
          </li>
        ))}
      </ul>
    </EmailLayout>
  );
}

function Receipt(props: { total: string }) {
  return (
    <EmailLayout brandName="Acme">
      <p>We received your payment of {props.total}.</p>
    </EmailLayout>
  );
}

// Forgets the layout, so it would go out without a visible unsubscribe link.
function Bare(props: { note: string }) {
  return (
    <html lang="en">
      <body>
        <p>{props.note}</p>
      </body>
    </html>
  );
}

export const testTemplates = defineTemplates({
  "weekly-digest": defineTemplate({
    component: Digest,
    subject: (p) => `${p.name}, your week on Acme`,
    category: "product",
    example: { name: "Ada", items: [{ title: "New dashboards", url: "https://acme.test/changelog/1" }] },
    props: digestSchema,
  }),
  receipt: defineTemplate({
    component: Receipt,
    subject: "Your Acme receipt",
    category: "transactional",
    example: { total: "$12.00" },
  }),
  bare: defineTemplate({
    component: Bare,
    subject: "A note",
    category: "product",
    example: { note: "Hello" },
  }),
});
