/**
 * One progress line a second for a streamed import (rows, rows/s, share of the file read, ETA),
 * and a final one; to stderr, so stdout stays the result.
 */
export function importProgress(totalBytes: number, read: { bytes: number }, write: (line: string) => void) {
  const started = performance.now();
  let last = started;
  const report = (rows: number, final: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = rows / Math.max(seconds, 0.001);
    const share = totalBytes > 0 ? Math.min(1, read.bytes / totalBytes) : 1;
    const eta = share > 0 && !final ? (seconds / share) * (1 - share) : 0;
    write(
      `${final ? "done: " : ""}${rows.toLocaleString("en")} rows, ${Math.round(rate).toLocaleString("en")} rows/s, ` +
        `${Math.round(share * 100)} %${final ? "" : `, ETA ${Math.round(eta)} s`}`,
    );
  };
  return {
    /** Call after each row; prints when a second has passed since the last line. */
    tick(rows: number) {
      if (performance.now() - last < 1_000) return;
      last = performance.now();
      report(rows, false);
    },
    done: (rows: number) => report(rows, true),
    seconds: () => (performance.now() - started) / 1000,
  };
}
