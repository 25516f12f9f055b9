export {
  type DelayScript,
  type FailureScript,
  type FakeReply,
  type FakeVendorDefinition,
  type FakeVendorServer,
  type FakeVendorStats,
  type FaultMix,
  type InjectedFaults,
  type RecordedRequest,
  startFakeVendor,
} from "./fake-server.js";
export { type FakePostHog, type FakePostHogEvent, startFakePostHog } from "./posthog.js";
export {
  type FakePostmark,
  type FakePostmarkMessage,
  type FakePostmarkOptions,
  startFakePostmark,
} from "./postmark.js";
export { type FakeResend, type FakeResendEmail, type FakeResendOptions, startFakeResend } from "./resend.js";
