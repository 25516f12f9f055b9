import http from "node:http";
import https from "node:https";

/** How one request ended: `202`, another status, or an error code such as `ECONNRESET`. */
export interface Outcome {
  kind: string;
  body: string;
}

export interface ApiPoster {
  /** POSTs one JSON body to `<url><path>`; never rejects (a failure is an outcome). */
  post(path: string, body: string): Promise<Outcome>;
  close(): void;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** Keep-alive POSTs to the api with the key as a bearer token, over at most `maxSockets`. */
export function createApiPoster(options: { url: string; key: string; maxSockets: number }): ApiPoster {
  const base = options.url.replace(/\/$/, "");
  const transport = base.startsWith("https:") ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const authorization = `Bearer ${options.key}`;
  return {
    post: (path, body) =>
      new Promise((resolve) => {
        const req = transport.request(
          new URL(`${base}${path}`),
          {
            method: "POST",
            agent,
            headers: {
              "content-type": "application/json",
              "content-length": Buffer.byteLength(body),
              authorization,
            },
            timeout: REQUEST_TIMEOUT_MS,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({ kind: String(res.statusCode), body: Buffer.concat(chunks).toString("utf8") }),
            );
            res.on("error", (err: NodeJS.ErrnoException) =>
              resolve({ kind: err.code ?? "ERESPONSE", body: "" }),
            );
          },
        );
        req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
        req.on("error", (err: NodeJS.ErrnoException) =>
          resolve({ kind: err.code ?? "EREQUEST", body: err.message }),
        );
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
