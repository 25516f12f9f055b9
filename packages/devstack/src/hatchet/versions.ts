/**
 * The Hatchet engine we build and run locally. Keep it in step with the
 * `@hatchet-dev/typescript-sdk` version pinned in package.json: hatchet-embedded
 * release tags carry the engine version they bake in, so one tag serves both the
 * sidecar and the hatchet-lite fallback.
 *
 * v0.105.0 is the newest engine tag whose go.mod the Go module proxy serves here
 * and whose `go` directive (1.26) the machine's Go toolchain satisfies.
 */
export const HATCHET_ENGINE_TAG = "v0.105.0";

export const SIDECAR_MODULE = "github.com/hatchet-dev/hatchet-embedded/cmd/sidecar";
export const ENGINE_MODULE = "github.com/hatchet-dev/hatchet";
export const LITE_COMMANDS = ["hatchet-lite", "hatchet-migrate", "hatchet-admin"] as const;
