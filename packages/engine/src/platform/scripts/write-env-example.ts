/** `pnpm env:example`: regenerate .env.example at the project root from the env schema. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderEnvExample } from "../env-example.js";

const target = join(import.meta.dirname, "../../../../../.env.example");
writeFileSync(target, renderEnvExample());
console.log(`wrote ${target}`);
