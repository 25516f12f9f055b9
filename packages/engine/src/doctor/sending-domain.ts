import { resolveTxt } from "node:dns/promises";
import { type DoctorCheck, fail, ok, skip } from "./checks.js";

/** DNS answers that mean "no such record", as opposed to "DNS cannot be asked". */
const NO_RECORD = new Set(["ENODATA", "ENOTFOUND"]);

async function txt(name: string): Promise<string[] | "none" | { offline: string }> {
  try {
    return (await resolveTxt(name)).map((chunks) => chunks.join(""));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    return NO_RECORD.has(code) ? "none" : { offline: code || (err as Error).message };
  }
}

/** A name whose TXT records exist for as long as DNS does (RFC 2606's example.com publishes SPF). */
const DNS_CANARY = "example.com";

/** The DKIM record each provider asks for, where its name is fixed. */
const DKIM_SELECTOR: Record<string, string | undefined> = { resend: "resend" };

/**
 * SPF, DKIM and DMARC of the sending domain (EMAIL_FROM's), via DNS. Mail from a domain without
 * them lands in spam or is refused. Skipped with a note when DNS cannot be asked (offline).
 */
export async function checkSendingDomain(from: string | undefined, provider: string): Promise<DoctorCheck[]> {
  const domain = from ? /@([^>\s]+)>?\s*$/.exec(from)?.[1]?.toLowerCase() : undefined;
  if (!domain) return [skip("sending domain", "EMAIL_FROM is not set")];
  // A resolver that answers "no such name" for everything (an offline sandbox) must not read as
  // missing records: a name that certainly has TXT records tells the two apart.
  const canary = await txt(DNS_CANARY);
  if (!Array.isArray(canary))
    return [
      skip(
        `sending domain ${domain}`,
        `DNS cannot resolve public names here (${DNS_CANARY}: ${canary === "none" ? "not found" : canary.offline}): checked online only`,
      ),
    ];
  const probe = await txt(domain);
  if (typeof probe === "object" && "offline" in probe)
    return [
      skip(`sending domain ${domain}`, `DNS cannot be asked here (${probe.offline}): checked online only`),
    ];
  const records = probe === "none" ? [] : probe;
  const checks: DoctorCheck[] = [];
  const spf = records.find((r) => r.toLowerCase().startsWith("v=spf1"));
  checks.push(
    spf
      ? ok(`SPF ${domain}`, spf)
      : fail(
          `SPF ${domain}`,
          "no v=spf1 TXT record",
          `publish the SPF record your provider (${provider}) gives`,
          false,
        ),
  );
  const dmarc = await txt(`_dmarc.${domain}`);
  const dmarcRecord = Array.isArray(dmarc)
    ? dmarc.find((r) => r.toLowerCase().startsWith("v=dmarc1"))
    : undefined;
  checks.push(
    dmarcRecord
      ? ok(`DMARC ${domain}`, dmarcRecord)
      : fail(
          `DMARC ${domain}`,
          "no v=DMARC1 TXT record at _dmarc",
          `publish one, e.g. "v=DMARC1; p=none;" to start`,
          false,
        ),
  );
  const selector = DKIM_SELECTOR[provider];
  if (!selector) {
    checks.push(
      skip(`DKIM ${domain}`, `${provider} names its DKIM selector per domain: check it in its dashboard`),
    );
  } else {
    const dkim = await txt(`${selector}._domainkey.${domain}`);
    checks.push(
      Array.isArray(dkim) && dkim.length > 0
        ? ok(`DKIM ${domain}`, `${selector}._domainkey has a key`)
        : fail(
            `DKIM ${domain}`,
            `no TXT record at ${selector}._domainkey`,
            `add the DKIM record ${provider} shows for ${domain}`,
            false,
          ),
    );
  }
  return checks;
}
