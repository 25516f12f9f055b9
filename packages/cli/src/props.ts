import { CliError, EXIT } from "./exit-codes.js";

/**
 * Properties from the command line: `--properties '{"plan":"pro"}'`, then each `--prop K=V` over
 * it. A value that reads as JSON (`42`, `true`, `null`, `[1]`, `"x"`) is that value; anything
 * else is the string as typed, so `--prop plan=pro` needs no quoting.
 */
export function parseProps(props: readonly string[], json?: string): Record<string, unknown> {
  let base: Record<string, unknown> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw new CliError(`--properties is not JSON: ${(err as Error).message}`, EXIT.USAGE);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new CliError("--properties must be a JSON object", EXIT.USAGE);
    base = parsed as Record<string, unknown>;
  }
  for (const prop of props) {
    const at = prop.indexOf("=");
    if (at < 1) throw new CliError(`--prop takes KEY=VALUE, got ${JSON.stringify(prop)}`, EXIT.USAGE);
    base[prop.slice(0, at)] = jsonOrString(prop.slice(at + 1));
  }
  return base;
}

function jsonOrString(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
