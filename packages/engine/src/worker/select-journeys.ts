import { suggest } from "@hogsend/core";
import type { JourneyDefinition } from "../journeys/define-journey.js";

/** The journeys ENABLED_JOURNEYS names (`*` for all); an unknown id fails with a suggestion. */
export function selectJourneys(all: JourneyDefinition[], enabled: string): JourneyDefinition[] {
  const ids = new Set(all.map((j) => j.meta.id));
  if (ids.size !== all.length) throw new Error("two journeys share an id");
  if (enabled.trim() === "*") return all;
  const wanted = enabled
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted.filter((id) => !ids.has(id));
  if (unknown.length > 0) {
    const hints = unknown.map((id) => {
      const best = suggest(id, ids);
      return best ? `${id} (did you mean ${best}?)` : id;
    });
    throw new Error(
      `ENABLED_JOURNEYS names unknown journeys: ${hints.join(", ")}. Known: ${[...ids].join(", ")}`,
    );
  }
  return all.filter((j) => wanted.includes(j.meta.id));
}
