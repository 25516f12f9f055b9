export {
  createResendProvider,
  RESEND_DEFAULT_BASE_URL,
  RESEND_MAX_BATCH_SIZE,
  type ResendProviderOptions,
} from "./create-resend-provider.js";
export { resendEmailProvider } from "./descriptor.js";
export { parseResendWebhook } from "./parse-webhook.js";
