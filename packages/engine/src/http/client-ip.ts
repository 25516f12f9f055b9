import { BlockList, isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./types.js";

/** `TRUSTED_PROXIES` entries: addresses and CIDR ranges, IPv4 or IPv6; an empty list trusts nobody. */
export function parseTrustedProxies(list: string | undefined): BlockList {
  const trusted = new BlockList();
  for (const entry of (list ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) trusted.addAddress(address, family);
    else trusted.addSubnet(address, Number(prefix), family);
  }
  return trusted;
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
const normalize = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");

function isTrusted(trusted: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.check(address, family === 6 ? "ipv6" : "ipv4");
}

/** The peer's address; undefined only for a request that came from inside the process. */
function socketAddress(c: Context): string | undefined {
  // In-process requests (app.request in tests, an embedding app) carry no Node request at all.
  if (!(c.env as { incoming?: unknown } | undefined)?.incoming) return undefined;
  try {
    const address = getConnInfo(c).remote.address;
    // A socket gone before we looked: not a reason to believe the headers.
    return address ? normalize(address) : "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * The caller's address, resolved once per request. Forwarding headers are believed only from a
 * trusted proxy (`TRUSTED_PROXIES`): then `X-Forwarded-For` is read right to left and the first
 * hop that is not a trusted proxy is the client (the left-most entries are whatever the client
 * sent); `X-Real-IP` serves when there is no `X-Forwarded-For`. From anyone else the socket
 * address is the answer, whatever the headers say, so nobody picks their own rate-limit bucket.
 * A request with no socket comes from inside the process and is believed.
 */
export function resolveClientIp(trusted: BlockList): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const peer = socketAddress(c);
    c.set(
      "clientIp",
      peer === undefined || isTrusted(trusted, peer) ? forwardedClient(c, trusted, peer) : peer,
    );
    await next();
  };
}

function forwardedClient(c: Context, trusted: BlockList, peer: string | undefined): string {
  const hops = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => normalize(h.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (i === 0 || !isTrusted(trusted, hop)) return hop;
  }
  return c.req.header("x-real-ip")?.trim() || peer || "unknown";
}

/** The address `resolveClientIp` settled on (the socket's when it did not run). */
export function clientIp(c: Context<AppEnv>): string {
  return c.get("clientIp") ?? socketAddress(c) ?? "unknown";
}
