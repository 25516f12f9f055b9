/**
 * The api run mode: env → client → boot guard → runtime → createApp → serve on PORT, then the
 * runtime's background loops (`runApiMode`), with this deployment's content.
 * `node apps/api/dist/index.js` in the image, `pnpm --filter @hogsend/api dev` from source.
 */
import { runApiMode } from "@hogsend/engine";
import pkg from "../package.json" with { type: "json" };
import { content } from "./content.js";

await runApiMode(content, { version: pkg.version });
