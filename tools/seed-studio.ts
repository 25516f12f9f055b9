/**
 * `pnpm seed:studio [--contacts N] [--events-per-contact N]`: the Studio's performance data set
 * (default 100,000 contacts and 1,000,000 events, with sends, enrollments and audit entries) into
 * the migrated database at DATABASE_URL, such as `pnpm dev`'s (`.hogsend/dev/env`). A second
 * run adds nothing. `pnpm bench:studio` seeds its own database and times the Studio's pages.
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { positiveInt } from "./bench/options.js";
import { seedStudioData } from "./seed/studio-data.js";

const { values } = parseArgs({
  options: {
    contacts: { type: "string", default: "100000" },
    "events-per-contact": { type: "string", default: "10" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log("pnpm seed:studio [--contacts N (100000)] [--events-per-contact N (10)]  (needs DATABASE_URL)");
  process.exit(0);
}
const url = process.env.DATABASE_URL;
if (!url) {
  console.error(
    "seed:studio needs DATABASE_URL: a migrated database (pnpm dev prints its own in .hogsend/dev/env)",
  );
  process.exit(78);
}
const sql = postgres(url, { max: 1, onnotice: () => {} });
const started = performance.now();
try {
  await seedStudioData(
    sql,
    {
      contacts: positiveInt("contacts", values.contacts),
      eventsPerContact: positiveInt("events-per-contact", values["events-per-contact"]),
    },
    (line) => console.error(`[seed:studio] ${line}`),
  );
  console.error(`[seed:studio] done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await sql.end();
}
