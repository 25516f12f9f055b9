export { type BundledMigration, type Journal, type JournalEntry, readMigrationFolder } from "./journal.js";
export { probeTrack, type TrackStatus } from "./probe.js";
export {
  type MigrateOptions,
  MigrationFailedError,
  MigrationsMissingError,
  runMigrations,
  type TrackResult,
} from "./run.js";
export { stampTrack } from "./stamp.js";
export {
  bundledEngineJournal,
  CLIENT_LEDGER,
  clientTrack,
  ENGINE_LEDGER,
  engineTrack,
  LEDGER_SCHEMA,
  type MigrationTrack,
  type TrackName,
} from "./tracks.js";
