import type { EnrollmentLatency } from "./enrollments.js";
import { errorTotal, type LoadResult } from "./load.js";

export interface EnrollSummary {
  runId: string;
  target: { mode: "self-contained" | "url"; url: string };
  journey: string;
  event: string;
  ratePerSecond: number;
  durationMs: number;
  warmupMs: number;
  /** The trigger requests: HTTP latency from the scheduled send, errors, the client's CPU. */
  triggers: LoadResult;
  enrollments: EnrollmentLatency;
  apiPeakRssMb: number | undefined;
  workerPeakRssMb: number | undefined;
  /** What the fake Resend had accepted when it stopped (self-contained mode). */
  emailsAccepted: number | undefined;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => `${fmt(n, n < 10 ? 2 : 1)} ms`;
const mb = (n: number | undefined) => (n === undefined ? "unknown" : `${fmt(n, 1)} MB`);

/** The human-readable result. */
export function formatEnrollSummary(s: EnrollSummary): string {
  const { triggers: t, enrollments: e } = s;
  const lines = [
    "",
    `enroll benchmark: ${s.event} → journey ${s.journey} on ${s.target.url} (${s.target.mode})`,
    `  ${fmt(s.ratePerSecond, 1)} triggers/s on a fixed schedule for ${fmt(s.durationMs / 1000, 1)}s after ${fmt(s.warmupMs / 1000, 1)}s warm-up, one new user each`,
    "",
    `  triggers: ${fmt(t.accepted)} accepted of ${fmt(t.open?.scheduled ?? 0)} scheduled, ${fmt(errorTotal(t))} errors;` +
      ` HTTP p50 ${ms(t.latency.p50)}, p99 ${ms(t.latency.p99)} (from the scheduled send)`,
    `  enrolled: ${fmt(e.enrolled)} of ${fmt(t.accepted)} (refused by the journey: ${fmt(e.skipped)}${e.skipReason ? `, e.g. "${e.skipReason}"` : ""}),` +
      ` waited ${fmt(e.waitedMs / 1000, 1)} s after the last trigger`,
    "",
    `  event → enrolled   p50 ${ms(e.latency.p50)}   p95 ${ms(e.latency.p95)}   p99 ${ms(e.latency.p99)}   max ${ms(e.latency.max)}`,
    "  (user_events.received_at → journey_states.started_at; targets: p50 ≤ 100 ms, p99 ≤ 500 ms)",
    "",
    `  load client CPU: ${fmt(t.clientCpuPct, 1)} % of one core; peak RSS: api ${mb(s.apiPeakRssMb)}, worker ${mb(s.workerPeakRssMb)}` +
      `${s.emailsAccepted === undefined ? "" : `; the fake Resend accepted ${fmt(s.emailsAccepted)} emails by the time it stopped`}`,
  ];
  for (const [kind, n] of Object.entries(t.errors)) {
    lines.push(`  errors ${kind}: ${fmt(n)}  ${t.errorSamples[kind] ? `e.g. ${t.errorSamples[kind]}` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}
