/**
 * The one line a script reads from a benchmark, printed last: `RESULT <name> key=value …`.
 * Keys are snake_case with their unit (`events_per_s`, `p99_ms`); numbers are plain decimals.
 */
export function resultLine(name: string, fields: Record<string, number | string | undefined>): string {
  const pairs = Object.entries(fields)
    .filter((entry): entry is [string, number | string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${typeof value === "number" ? Number(value.toFixed(3)) : value}`);
  return `RESULT ${name} ${pairs.join(" ")}`;
}
