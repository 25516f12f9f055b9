/** `pnpm gen:secret`: a fresh 32-byte secret, base64, for BETTER_AUTH_SECRET. */
import { randomBytes } from "node:crypto";

console.log(randomBytes(32).toString("base64"));
