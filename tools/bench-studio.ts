/**
 * `pnpm bench:studio`: the server time of every admin API read the Studio's pages make, on the
 * Studio's data set (default 100,000 contacts, 1,000,000 events, 200,000 sends, 100,000
 * enrollments). Self-contained: devstack, a fresh migrated database seeded in Postgres itself,
 * the built api (`apps/api/dist/index.js`, NODE_ENV=production). Each read runs `--runs` times
 * after two warm-ups, one at a time on loopback, so a request's time is the server's; reads that
 * page go to their third page by cursor. Prints p50/p95/max per read and ends with
 * `RESULT bench-studio …`; exits 1 when a read fails, not when one is slow (the target, 200 ms
 * at p95, is reported as `over_target`).
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { LatencyRecorder } from "./bench/latency.js";
import { startLocalApi } from "./bench/local-api.js";
import { positiveInt } from "./bench/options.js";
import { resultLine } from "./bench/result-line.js";
import { seedStudioData } from "./seed/studio-data.js";

const TARGET_P95_MS = 200;
const root = resolve(import.meta.dirname, "..");
const log = (line: string) => process.stderr.write(`[bench:studio] ${line}\n`);
const { values } = parseArgs({
  options: {
    contacts: { type: "string", default: "100000" },
    "events-per-contact": { type: "string", default: "10" },
    runs: { type: "string", default: "20" },
    build: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(
    "pnpm bench:studio [--contacts N (100000)] [--events-per-contact N (10)] [--runs N (20)] [--build]",
  );
  process.exit(0);
}
const size = {
  contacts: positiveInt("contacts", values.contacts),
  eventsPerContact: positiveInt("events-per-contact", values["events-per-contact"]),
};
const runs = positiveInt("runs", values.runs);
const adminKey = randomBytes(32).toString("hex");
const runId = `bench_studio_${Date.now().toString(36)}`;

const local = await startLocalApi({
  root,
  runId,
  ephemeral: true,
  build: values.build === true,
  profileDir: undefined,
  // The bench reads far faster than an operator clicks: the per-principal admin limit would 429 it.
  env: { ADMIN_API_KEY: adminKey, ADMIN_RATE_LIMIT_PER_MINUTE: "1000000" },
  log,
});
let failed = 0;
try {
  const sql = postgres(local.databaseUrl, { max: 1, onnotice: () => {} });
  let sample: { id: string; external_id: string; email: string } | undefined;
  try {
    await seedStudioData(sql, size, log);
    [sample] = await sql<{ id: string; external_id: string; email: string }[]>`
      select id, external_id, email from contacts where external_id = ${`seed_${Math.ceil(size.contacts / 2)}`}`;
  } finally {
    await sql.end();
  }
  if (!sample) throw new Error("the seed made no contacts");

  const get = async (path: string) => {
    const res = await fetch(`${local.url}${path}`, { headers: { authorization: `Bearer ${adminKey}` } });
    const body = (await res.json()) as { nextCursor?: string | null };
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    return body;
  };
  /** The path of the third page: two pages read by cursor first. */
  const thirdPage = async (path: string) => {
    let next = path;
    for (let page = 0; page < 2; page++) {
      const { nextCursor } = await get(next);
      if (!nextCursor) return next;
      next = `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(nextCursor)}`;
    }
    return next;
  };
  const reads: [string, string][] = [
    ["overview: email metrics, 30 days", "/v1/admin/metrics/emails"],
    ["overview: journeys with counts", "/v1/admin/journeys"],
    ["contacts: first page", "/v1/admin/contacts?limit=50"],
    ["contacts: third page", await thirdPage("/v1/admin/contacts?limit=50")],
    ["contacts: search an email", `/v1/admin/contacts?limit=50&search=${encodeURIComponent(sample.email)}`],
    ["contacts: search a user id", `/v1/admin/contacts?limit=50&search=${sample.external_id}`],
    ["contacts: search, no match", "/v1/admin/contacts?limit=50&search=nobody-by-this-name"],
    ["contacts: by a common property", "/v1/admin/contacts?limit=50&property=plan%3Dpro"],
    [
      "contacts: by a rare property",
      `/v1/admin/contacts?limit=50&property=${encodeURIComponent("company=Company 4242")}`,
    ],
    ["contact: profile and timeline", `/v1/admin/contacts/${sample.id}`],
    ["contact: events", `/v1/admin/events?limit=50&contactId=${sample.id}`],
    ["contact: sends", `/v1/admin/emails?limit=50&contactId=${sample.id}`],
    ["events: feed", "/v1/admin/events?limit=50"],
    ["events: feed, third page", await thirdPage("/v1/admin/events?limit=50")],
    ["events: by name", "/v1/admin/events?limit=50&name=invoice_paid"],
    ["sends: all", "/v1/admin/emails?limit=50"],
    ["sends: failed", "/v1/admin/emails?limit=50&status=failed"],
    ["sends: by template, third page", await thirdPage("/v1/admin/emails?limit=50&template=receipt")],
    ["journey: waiting enrollments", "/v1/admin/journeys/welcome/states?limit=50&status=waiting"],
    ["audit log", "/v1/admin/audit-logs?limit=50"],
    ["audit log: by a rare action", "/v1/admin/audit-logs?limit=50&action=contact.erase"],
    ["audit log: one resource", "/v1/admin/audit-logs?limit=50&resourceType=seed&resourceId=seed-4242"],
  ];

  const rows: { name: string; p50: number; p95: number; max: number }[] = [];
  for (const [name, path] of reads) {
    const latencies = new LatencyRecorder();
    try {
      for (let i = 0; i < runs + 2; i++) {
        const started = performance.now();
        await get(path);
        if (i >= 2) latencies.record(performance.now() - started);
      }
    } catch (err) {
      failed++;
      log(`FAILED ${name}: ${(err as Error).message}`);
      continue;
    }
    const s = latencies.summary();
    rows.push({ name, p50: s.p50, p95: s.p95, max: s.max });
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`\n${"read".padEnd(width)}   p50 ms   p95 ms   max ms`);
  for (const r of rows)
    console.log(
      `${r.name.padEnd(width)}  ${r.p50.toFixed(1).padStart(7)}  ${r.p95.toFixed(1).padStart(7)}  ${r.max.toFixed(1).padStart(7)}${r.p95 > TARGET_P95_MS ? "  over target" : ""}`,
    );
  const worst = rows.reduce(
    (a, b) => (b.p95 > a.p95 ? b : a),
    rows[0] ?? { name: "none", p50: 0, p95: 0, max: 0 },
  );
  console.log(
    resultLine("bench-studio", {
      contacts: size.contacts,
      events: size.contacts * size.eventsPerContact,
      reads: rows.length,
      failed,
      worst_p95_ms: worst.p95.toFixed(1),
      worst: worst.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "_")
        .replace(/^_|_$/g, ""),
      over_target: rows.filter((r) => r.p95 > TARGET_P95_MS).length,
    }),
  );
} finally {
  await local.stop();
}
process.exit(failed > 0 ? 1 : 0);
