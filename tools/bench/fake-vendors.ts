/**
 * The vendors a benchmark's worker calls, in a process of their own so that their CPU is
 * neither the load client's nor the api's: a fake Resend, taking the key given as the first
 * argument. Prints `fake resend listening on <url>`, and on SIGTERM how many emails it
 * accepted, then exits.
 *
 *   node --import tsx tools/bench/fake-vendors.ts <resend key>
 */
import { startFakeResend } from "@hogsend/devstack/fakes";

const resend = await startFakeResend({ apiKey: process.argv[2] ?? "re_bench" });
process.stdout.write(`fake resend listening on ${resend.url}\n`);
process.once("SIGTERM", () => {
  process.stdout.write(`fake resend accepted ${resend.emails.length} emails\n`);
  void resend.close().finally(() => process.exit(0));
});
