import type { JourneyDefinition } from "@hogsend/engine";
import { paymentRecovery } from "./payment-recovery.js";
import { trialExpiring } from "./trial-expiring.js";
import { welcome } from "./welcome.js";

/** Every journey of this deployment; ENABLED_JOURNEYS picks what a worker registers. */
export const journeys: JourneyDefinition[] = [welcome, trialExpiring, paymentRecovery];
