import type { JourneyDefinition } from "../journeys/define-journey.js";

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length] ?? 0;
}

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
      const best = [...ids].sort((a, b) => distance(id, a) - distance(id, b))[0];
      return best && distance(id, best) <= Math.max(2, Math.floor(id.length / 3))
        ? `${id} (did you mean ${best}?)`
        : id;
    });
    throw new Error(
      `ENABLED_JOURNEYS names unknown journeys: ${hints.join(", ")}. Known: ${[...ids].join(", ")}`,
    );
  }
  return all.filter((j) => wanted.includes(j.meta.id));
}
