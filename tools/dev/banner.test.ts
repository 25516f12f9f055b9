import { describe, expect, it } from "vitest";
import { banner } from "./banner.js";

describe("pnpm dev's banner", () => {
  it("prints the Studio's URL beside the api's", () => {
    const text = banner({
      baseUrl: "http://localhost:3002",
      seconds: 1,
      coldStart: false,
      credentials: undefined,
      worker: "here",
      redis: true,
    });
    expect(text).toMatch(/^ {2}Studio +http:\/\/localhost:3002\/studio /m);
  });
});
