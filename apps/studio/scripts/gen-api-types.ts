/** Regenerates src/api/openapi.gen.ts from what createApp serves now. */
import { writeFile } from "node:fs/promises";
import { API_TYPES_FILE, renderApiTypes } from "./api-types.js";

await writeFile(API_TYPES_FILE, await renderApiTypes());
console.log(`wrote ${API_TYPES_FILE.pathname}`);
