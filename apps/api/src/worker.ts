/**
 * The worker run mode: env → client → runtime → createWorker → start (`runWorkerMode`), with this
 * deployment's content. No port and no schema guard: deployments order it after migrate.
 * `node apps/api/dist/worker.js`.
 */
import { runWorkerMode } from "@hogsend/engine";
import pkg from "../package.json" with { type: "json" };
import { content } from "./content.js";

await runWorkerMode(content, { version: pkg.version });
