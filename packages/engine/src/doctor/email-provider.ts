import type { Env } from "../env.js";
import { resolveEmailProvider } from "../env.js";
import { type DoctorCheck, fail, ok, skip, timed } from "./checks.js";

/** A read-only call per provider that only valid credentials pass. */
function probeRequest(
  env: Env,
  provider: string,
): { url: string; headers: Record<string, string> } | undefined {
  if (provider === "resend" && env.RESEND_API_KEY)
    return {
      url: `${(env.RESEND_BASE_URL ?? "https://api.resend.com").replace(/\/$/, "")}/domains`,
      headers: { authorization: `Bearer ${env.RESEND_API_KEY}` },
    };
  if (provider === "postmark" && env.POSTMARK_SERVER_TOKEN)
    return {
      url: `${(env.POSTMARK_BASE_URL ?? "https://api.postmarkapp.com").replace(/\/$/, "")}/server`,
      headers: { "x-postmark-server-token": env.POSTMARK_SERVER_TOKEN, accept: "application/json" },
    };
  return undefined;
}

/** The provider's credentials, with a read-only API call: refused credentials fail; no answer warns. */
export async function checkEmailProvider(env: Env, timeoutMs: number): Promise<DoctorCheck> {
  const provider = resolveEmailProvider(env);
  const name = `email provider ${provider}`;
  if (provider === "outbox") return skip(name, "the dev outbox: nothing leaves this machine");
  const request = probeRequest(env, provider);
  if (!request)
    return fail(
      name,
      "no credentials set",
      `set ${provider === "resend" ? "RESEND_API_KEY" : "POSTMARK_SERVER_TOKEN"}`,
    );
  const probe = await timed(() => fetch(request.url, { headers: request.headers }), timeoutMs);
  if ("error" in probe)
    return fail(
      name,
      `no answer from ${new URL(request.url).host}: ${probe.error}`,
      "check the network path to the provider (proxy, firewall)",
      false,
    );
  const { status } = probe.value;
  if (status === 401 || status === 403)
    return fail(
      name,
      `credentials refused (HTTP ${status})`,
      `create a new key in the ${provider} dashboard and set it`,
    );
  if (!probe.value.ok)
    return fail(
      name,
      `HTTP ${status} from ${new URL(request.url).host}`,
      `see ${provider}'s status page`,
      false,
    );
  return ok(name, `credentials accepted (${new URL(request.url).pathname})`, probe.ms);
}
