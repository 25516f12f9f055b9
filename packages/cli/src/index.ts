/**
 * The `hogsend` bin of this package: every command but those that need a deployment's journeys
 * (`journeys …`, `events send`), which say to run the deployment's own CLI instead.
 */
import { runCli } from "./main.js";

await runCli();
