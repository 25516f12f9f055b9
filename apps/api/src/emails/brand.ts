/**
 * Who the emails come from. Edit for your product: every template reads its name, links and postal
 * address from here. Commercial email must carry a real postal address (CAN-SPAM), so replace the
 * placeholder before sending marketing mail.
 */
export const brand = {
  name: "Acme",
  appUrl: "https://app.acme.example",
  billingUrl: "https://app.acme.example/settings/billing",
  docsUrl: "https://docs.acme.example",
  supportEmail: "support@acme.example",
  postalAddress: "Acme, Inc. · 2261 Market Street #4667 · San Francisco, CA 94114 · USA",
} as const;
