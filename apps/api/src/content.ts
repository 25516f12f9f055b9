import type { RuntimeContent } from "@hogsend/engine";
import clientJournal from "../../../migrations/meta/_journal.json" with { type: "json" };
import { templates } from "./emails/index.js";
import { journeys } from "./journeys/index.js";
import { webhookSources } from "./webhook-sources/index.js";

/** The operator's content, bundled with the build: what the engine serves and reports on. */
export const content: RuntimeContent = {
  clientJournal,
  webhookSources,
  journeys,
  templates,
};
