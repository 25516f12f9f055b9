/** The slice of a logger the PostHog adapters write to (the engine's Logger fits). */
export interface PostHogLogger {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
