export { createJourneyHarness, testJourney } from "./harness.js";
export type {
  CapturedCheckpoint,
  CapturedExit,
  CapturedSend,
  CapturedSkip,
  CapturedTrigger,
  ContactSeed,
  HarnessEvent,
  JourneyHarness,
  JourneyHarnessOptions,
  JourneyStatus,
  LogEntry,
  Preferences,
  SendOptions,
  SendResult,
  StateSnapshot,
} from "./types.js";
