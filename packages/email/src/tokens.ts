import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

export type EmailTokenPurpose = "unsubscribe" | "preferences";

/** What an unsubscribe or preferences link grants, and until when. */
export interface EmailTokenClaims {
  contactId: string;
  purpose: EmailTokenPurpose;
  /** The category the email belonged to: what a one-click unsubscribe opts out of. */
  category?: string;
  /** The send the link came from, for attribution. */
  sendId?: string;
  /** Whole seconds: sub-second precision is dropped. */
  expiresAt: Date;
}

export type EmailTokenError = "malformed" | "bad_signature" | "expired" | "wrong_purpose";

export type VerifyEmailTokenResult =
  | { ok: true; claims: EmailTokenClaims }
  | { ok: false; error: EmailTokenError };

const DAY_MS = 86_400_000;

/**
 * Default lifetime of a link from the moment the email is rendered. 60 days: CAN-SPAM wants an
 * opt-out to keep working for 30 days after sending and people act on old mail, so twice that;
 * much longer would leave a forwarded or leaked email able to change a contact's settings for
 * months. An expired link should lead to a page that offers a fresh one, never to a dead end.
 */
export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  unsubscribe: 60 * DAY_MS,
  preferences: 60 * DAY_MS,
};

const VERSION = "v1";
const PURPOSES: readonly EmailTokenPurpose[] = ["unsubscribe", "preferences"];
const MAX_TOKEN_LENGTH = 2_048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

interface WirePayload {
  c: string;
  p: EmailTokenPurpose;
  k?: string;
  s?: string;
  e: number;
}

// A key of its own, derived with a context label, so the auth secret never signs anything raw
// and a token for one use can never be replayed as a signature for another. Derived once per
// secret: a batch of sends signs two tokens each, and HKDF per token was measurable.
const signingKeys = new Map<string, Buffer>();
function signingKey(secret: string): Buffer {
  if (typeof secret !== "string" || secret.length === 0) throw new Error("email token secret is empty");
  let key = signingKeys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, "", `hogsend:email-token:${VERSION}`, 32));
    signingKeys.set(secret, key);
  }
  return key;
}

function sign(signed: string, secret: string): string {
  return createHmac("sha256", signingKey(secret)).update(signed).digest("base64url");
}

/**
 * A compact URL-safe token `v1.<payload>.<signature>` (base64url JSON, HMAC-SHA256 with a key
 * derived from `secret`, normally BETTER_AUTH_SECRET). `expiresAt` defaults to now plus
 * EMAIL_TOKEN_TTL_MS for the purpose.
 */
export function signEmailToken(
  claims: Omit<EmailTokenClaims, "expiresAt"> & { expiresAt?: Date },
  secret: string,
  now: Date = new Date(),
): string {
  if (!claims.contactId) throw new Error("email token needs a contactId");
  if (!PURPOSES.includes(claims.purpose)) throw new Error(`unknown email token purpose ${claims.purpose}`);
  const expiresAt = claims.expiresAt ?? new Date(now.getTime() + EMAIL_TOKEN_TTL_MS[claims.purpose]);
  if (Number.isNaN(expiresAt.getTime())) throw new Error("email token expiresAt is not a date");
  const wire: WirePayload = {
    c: claims.contactId,
    p: claims.purpose,
    ...(claims.category === undefined ? {} : { k: claims.category }),
    ...(claims.sendId === undefined ? {} : { s: claims.sendId }),
    e: Math.floor(expiresAt.getTime() / 1000),
  };
  const payload = Buffer.from(JSON.stringify(wire)).toString("base64url");
  return `${VERSION}.${payload}.${sign(`${VERSION}.${payload}`, secret)}`;
}

export interface VerifyEmailTokenOptions {
  /** What the route accepts; a token minted for anything else is `wrong_purpose`. */
  purpose: EmailTokenPurpose | readonly EmailTokenPurpose[];
  now?: Date;
}

/**
 * Checks a token's signature (constant time), purpose and expiry. Failures are values, not
 * throws: links arrive from anyone, so a bad one is an expected outcome.
 */
export function verifyEmailToken(
  token: string,
  secret: string,
  options: VerifyEmailTokenOptions,
): VerifyEmailTokenResult {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return { ok: false, error: "malformed" };
  const parts = token.split(".");
  const [version, payload, signature] = parts;
  if (
    parts.length !== 3 ||
    version !== VERSION ||
    !payload ||
    !signature ||
    !BASE64URL.test(payload) ||
    !BASE64URL.test(signature)
  ) {
    return { ok: false, error: "malformed" };
  }
  // Compare the encoded strings, not decoded bytes: base64url decoding ignores trailing bits, so
  // two different strings can decode to the same signature.
  const expected = Buffer.from(sign(`${VERSION}.${payload}`, secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, error: "bad_signature" };
  }
  const claims = decodePayload(payload);
  if (!claims) return { ok: false, error: "malformed" };
  const accepted: readonly EmailTokenPurpose[] =
    typeof options.purpose === "string" ? [options.purpose] : options.purpose;
  if (!accepted.includes(claims.purpose)) return { ok: false, error: "wrong_purpose" };
  if ((options.now ?? new Date()).getTime() >= claims.expiresAt.getTime())
    return { ok: false, error: "expired" };
  return { ok: true, claims };
}

function decodePayload(payload: string): EmailTokenClaims | undefined {
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof wire !== "object" || wire === null) return undefined;
  const { c, p, k, s, e } = wire as Record<string, unknown>;
  if (typeof c !== "string" || c === "") return undefined;
  if (typeof p !== "string" || !PURPOSES.includes(p as EmailTokenPurpose)) return undefined;
  if (k !== undefined && typeof k !== "string") return undefined;
  if (s !== undefined && typeof s !== "string") return undefined;
  if (typeof e !== "number" || !Number.isSafeInteger(e)) return undefined;
  return {
    contactId: c,
    purpose: p as EmailTokenPurpose,
    ...(k === undefined ? {} : { category: k }),
    ...(s === undefined ? {} : { sendId: s }),
    expiresAt: new Date(e * 1000),
  };
}
