/** The chaos run's worker: the worker run mode with the chaos journey (`node --import tsx`). */
import { runWorkerMode } from "@hogsend/engine";
import { chaosContent } from "./journey.js";

await runWorkerMode(chaosContent, { version: "chaos" });
