import { defineJourney } from "@hogsend/engine";

/** The journeys the CLI's journey tests run with: one to enroll in, one switched off in code. */
export const cliTestJourneys = [
  defineJourney({
    meta: {
      id: "cli-sleeper",
      name: "CLI test sleeper",
      enabled: true,
      trigger: { event: "cli_signed_up" },
      entryLimit: "unlimited",
      exitOn: ["cli_converted"],
    },
    async run(_user, ctx) {
      await ctx.sleep("10m");
    },
  }),
  defineJourney({
    meta: {
      id: "cli-idle",
      name: "CLI test idle",
      enabled: false,
      trigger: { event: "cli_never" },
      entryLimit: "unlimited",
    },
    async run() {},
  }),
];
