import type { templates } from "./index.js";

// Registers this deployment's templates with the engine, so `ctx.sendEmail` in a journey checks
// template keys and props at compile time.
declare module "@hogsend/engine" {
  interface Register {
    templates: typeof templates;
  }
}
