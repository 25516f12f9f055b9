export {
  createPostmarkProvider,
  POSTMARK_DEFAULT_BASE_URL,
  POSTMARK_MAX_BATCH_SIZE,
  type PostmarkProviderOptions,
} from "./create-postmark-provider.js";
export { postmarkEmailProvider } from "./descriptor.js";
export { parsePostmarkWebhook } from "./parse-webhook.js";
export type { BasicCredentials } from "./verify-webhook.js";
