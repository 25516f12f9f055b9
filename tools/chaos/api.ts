/** The chaos run's api: the api run mode with the chaos journey (`node --import tsx`). */
import { runApiMode } from "@hogsend/engine";
import { chaosContent } from "./journey.js";

await runApiMode(chaosContent, { version: "chaos" });
