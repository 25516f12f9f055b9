/**
 * The `hogsend` command line with this deployment's content, so the journey verbs and
 * `events send` know its journeys. `node apps/api/dist/cli.js` in the image, `pnpm hogsend` from
 * source; every other command is the same as `packages/cli`'s own bin.
 */
import { runCli } from "@hogsend/cli";
import { content } from "./content.js";

await runCli(content);
