import { appendFileSync, chmodSync } from "node:fs";

/**
 * Where a secret Hogsend generates at boot (the first admin's password, the bootstrap key) is
 * shown, once: never through the logger, whose lines end up in log aggregation.
 */
export interface SecretSink {
  /** Reveals `secret` (labelled `what`) and says where it went, for a log line without it. */
  reveal(what: string, secret: string): string;
}

/**
 * To the terminal when stderr is one (`pnpm dev`, a first `docker compose up` in the
 * foreground), else appended to `file`, created with mode 0600 (a container's logs are shipped;
 * its file system is read by `exec` only).
 */
export function createSecretSink(options: {
  file: string;
  terminal?: { isTTY?: boolean; write(chunk: string): unknown };
}): SecretSink {
  const terminal = options.terminal ?? process.stderr;
  return {
    reveal(what, secret) {
      if (terminal.isTTY) {
        terminal.write(`\n  ${what}: ${secret}\n  (shown once, on this terminal only)\n\n`);
        return "printed on the terminal";
      }
      appendFileSync(options.file, `${new Date().toISOString()} ${what}: ${secret}\n`, { mode: 0o600 });
      // An existing file keeps its mode on append: make sure it is ours alone.
      chmodSync(options.file, 0o600);
      return `written to ${options.file} (mode 0600; read it with \`cat\` inside the container)`;
    },
  };
}
