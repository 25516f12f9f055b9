import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSecretSink } from "./secret-sink.js";

const scratch = () => join(tmpdir(), `secret-sink-${process.pid}-${Math.random().toString(36).slice(2)}`);

describe("createSecretSink", () => {
  it("shows a secret on a terminal and writes no file", () => {
    const file = scratch();
    const shown: string[] = [];
    const sink = createSecretSink({ file, terminal: { isTTY: true, write: (chunk) => shown.push(chunk) } });
    expect(sink.reveal("ingest API key k1", "hsk_secret")).toBe("printed on the terminal");
    expect(shown.join("")).toContain("ingest API key k1: hsk_secret");
    expect(existsSync(file)).toBe(false);
  });

  it("appends to a file only its owner reads when there is no terminal, tightening an existing one", () => {
    const file = scratch();
    writeFileSync(file, "", { mode: 0o644 });
    const sink = createSecretSink({
      file,
      terminal: { isTTY: false, write: () => expect.fail("not a terminal") },
    });
    expect(sink.reveal("password of the first Studio admin a@example.com", "pw-1")).toContain(file);
    sink.reveal("ingest API key k1", "hsk_2");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/password of the first Studio admin a@example.com: pw-1$/);
  });
});
