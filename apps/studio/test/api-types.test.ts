import { readFile } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { API_TYPES_FILE, renderApiTypes } from "../scripts/api-types.js";

// Building a client exports the Hatchet SDK's compression setting into the process env; unit
// files share one process, so put it back as it was.
const COMPRESSION = "HATCHET_CLIENT_GRPC_COMPRESSION";
const before = process.env[COMPRESSION];
afterAll(() => {
  if (before === undefined) delete process.env[COMPRESSION];
  else process.env[COMPRESSION] = before;
});

describe("the Studio's API types", () => {
  it("match the OpenAPI document createApp serves now (else: pnpm --filter @hogsend/studio gen:api)", async () => {
    const committed = await readFile(API_TYPES_FILE, "utf8");
    const current = await renderApiTypes();
    // A plain equality keeps the failure message short; the command above fixes it.
    expect(
      current === committed,
      "src/api/openapi.gen.ts is stale: run pnpm --filter @hogsend/studio gen:api",
    ).toBe(true);
  });
});
