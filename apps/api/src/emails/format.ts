// Dates in emails read as calendar days; UTC keeps the day the billing system means.
const dateFormat = new Intl.DateTimeFormat("en-US", {
  month: "long",
  day: "numeric",
  year: "numeric",
  timeZone: "UTC",
});

/** `2026-03-14T09:00:00Z` → `March 14, 2026`. */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

/** An amount in minor units (cents) as money: `(4900, "usd")` → `$49.00`, `(5000, "JPY")` → `¥5,000`. */
export function formatMoney(minorUnits: number, currency: string): string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

/** "Hi Ada," or "Hi there," when the first name is unknown. */
export function greeting(firstName: string | undefined): string {
  const name = firstName?.trim();
  return name ? `Hi ${name},` : "Hi there,";
}
