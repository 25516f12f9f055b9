import { parseArgs } from "node:util";

export const DEV_HELP = `Usage: pnpm dev [--no-worker] [--free-ports]
       pnpm worker [--free-ports]

  pnpm dev              Postgres, Redis and Hatchet (started by devstack, or taken from .env),
                        both migration tracks, a dev Studio admin and ingest key, then the api
                        and the worker in watch mode with the outbox email provider
  pnpm dev --no-worker  the same with the api only (run \`pnpm worker\` in another terminal)
  pnpm worker           the worker alone in watch mode, attached to the running \`pnpm dev\`
                        (or \`pnpm infra up --detach\`) stack, else starting the stack itself
  --free-ports          free loopback ports instead of 3002, 5434, 6380 and 7077

State lives in .hogsend/dev/ (HOGSEND_HOME moves .hogsend/). PORT picks the api port;
HOGSEND_ENV_FILE another env file than .env.
Ctrl-C stops the children first, then the stack; a second Ctrl-C forces.`;

export interface DevArgs {
  api: boolean;
  worker: boolean;
  freePorts: boolean;
  help: boolean;
}

/** `--no-worker` (api only) and `--no-api` (worker only, what `pnpm worker` runs). */
export function parseDevArgs(argv: string[]): DevArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      "no-worker": { type: "boolean", default: false },
      "no-api": { type: "boolean", default: false },
      "free-ports": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values["no-worker"] && values["no-api"])
    throw new Error("--no-worker and --no-api leave nothing to run");
  return {
    api: !values["no-api"],
    worker: !values["no-worker"],
    freePorts: values["free-ports"],
    help: values.help,
  };
}
