import { describe, expect, it } from "vitest";
import { linkHostsAllowed, propWithForeignLink } from "./link-hosts.js";

describe("link hosts", () => {
  const allowed = linkHostsAllowed(" acme.com, ACME.io ", "https://hogsend.acme.net") ?? [];

  it("is off when EMAIL_LINK_HOSTS is unset, and always allows the api's own host", () => {
    expect(linkHostsAllowed(undefined, "https://x.test")).toBeUndefined();
    expect(allowed).toEqual(["acme.com", "acme.io", "hogsend.acme.net"]);
  });

  it("finds the first prop linking elsewhere, at any depth, and lets subdomains and text through", () => {
    expect(
      propWithForeignLink(
        {
          name: "Ada",
          cta: "https://app.acme.com/x",
          nested: { docs: "http://acme.io" },
          own: "https://hogsend.acme.net/v1",
        },
        allowed,
      ),
    ).toBeUndefined();
    expect(propWithForeignLink({ a: { list: ["ok", "https://evil.example/login"] } }, allowed)).toEqual({
      field: "a.list.1",
      host: "evil.example",
    });
    // A look-alike is not a subdomain.
    expect(propWithForeignLink({ cta: "https://notacme.com" }, allowed)?.host).toBe("notacme.com");
    expect(propWithForeignLink({ cta: "https://acme.com.evil.example" }, allowed)?.host).toBe(
      "acme.com.evil.example",
    );
  });
});
