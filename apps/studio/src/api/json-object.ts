/**
 * A form's optional JSON-object field: undefined when blank, the object when it parses to one,
 * else an Error naming the field, so bad input is refused in the page before anything is sent.
 */
export function parseJsonObject(text: string, field: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${field} must be JSON, e.g. {"plan": "pro"}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${field} must be a JSON object, e.g. {"plan": "pro"}`);
  }
  return parsed as Record<string, unknown>;
}
