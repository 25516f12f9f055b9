export { createJourneyHarness, testJourney } from "./harness.js";
export { SEND_CHECKPOINT_PREFIX } from "./sends.js";
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
