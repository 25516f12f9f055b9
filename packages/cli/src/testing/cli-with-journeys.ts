/** A deployment's CLI, as `apps/api/src/cli.ts` is, with the journey tests' journeys. */
import { runCli } from "../main.js";
import { cliTestJourneys } from "./journeys-fixture.js";

await runCli({ clientJournal: null, journeys: cliTestJourneys });
