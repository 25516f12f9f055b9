import { defineTemplates } from "@hogsend/email";
import { activationNudgeTemplate } from "./activation-nudge.js";
import { gettingStartedTipsTemplate } from "./getting-started-tips.js";
import { passwordResetTemplate } from "./password-reset.js";
import { paymentFailedTemplate } from "./payment-failed.js";
import { paymentFinalNoticeTemplate } from "./payment-final-notice.js";
import { paymentReminderTemplate } from "./payment-reminder.js";
import { receiptTemplate } from "./receipt.js";
import { trialEndedTemplate } from "./trial-ended.js";
import { trialEndsSoonTemplate } from "./trial-ends-soon.js";
import { welcomeTemplate } from "./welcome.js";

/** Every email this deployment can send, by key: journeys and POST /v1/emails name them. */
export const templates = defineTemplates({
  // onboarding: the welcome journey
  welcome: welcomeTemplate,
  "activation-nudge": activationNudgeTemplate,
  "getting-started-tips": gettingStartedTipsTemplate,
  // billing: the trial-expiring and payment-recovery journeys
  "trial-ends-soon": trialEndsSoonTemplate,
  "trial-ended": trialEndedTemplate,
  "payment-failed": paymentFailedTemplate,
  "payment-reminder": paymentReminderTemplate,
  "payment-final-notice": paymentFinalNoticeTemplate,
  // transactional: sent regardless of preferences, no unsubscribe
  receipt: receiptTemplate,
  "password-reset": passwordResetTemplate,
});

export type EmailTemplates = typeof templates;
