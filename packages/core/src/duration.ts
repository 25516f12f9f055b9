/** `30s`, `15m`, `2h`, `3d`, `1w` (and combinations like `1d12h`). */
export type Duration = `${number}${"s" | "m" | "h" | "d" | "w"}${string}`;

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Milliseconds in a duration string; throws on anything else, naming the input. */
export function parseDuration(duration: string): number {
  const parts = [...duration.matchAll(/(\d+)([smhdw])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== duration) {
    throw new Error(`invalid duration ${JSON.stringify(duration)}: use e.g. 30s, 15m, 2h, 3d, 1w`);
  }
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS], 0);
}

/** Whole seconds as a Hatchet duration string. */
export function toHatchetDuration(ms: number): `${number}s` {
  return `${Math.max(1, Math.ceil(ms / 1_000))}s`;
}
