import { defaultClientMigrationsDir } from "@hogsend/db/env";
import { clientTrack, engineTrack, runMigrations } from "@hogsend/db/migrations";

/**
 * Both migration tracks, engine first, with a progress line per step.
 *
 * @public imported lazily by tools/dev.ts
 */
export async function migrateDev(input: {
  databaseUrl: string;
  clientMigrationsDir: string | undefined;
  log: (line: string) => void;
}): Promise<void> {
  await runMigrations({
    databaseUrl: input.databaseUrl,
    tracks: [engineTrack(), clientTrack(input.clientMigrationsDir ?? defaultClientMigrationsDir())],
    log: (line) => input.log(`migrate: ${line}`),
  });
}
