import { createHash } from "node:crypto";

// Fixed namespace of Hogsend's event uuids (RFC 9562 v5): the same key always maps to the same uuid.
const NAMESPACE = Buffer.from("58c9e7c09fad4fdc9be563898a374b0c", "hex");

/**
 * A deterministic UUID (v5) for an idempotency key, so a capture replayed with the same key
 * carries the same `uuid` and PostHog keeps one event.
 */
export function eventUuid(idempotencyKey: string): string {
  const bytes = createHash("sha1").update(NAMESPACE).update(idempotencyKey, "utf8").digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
