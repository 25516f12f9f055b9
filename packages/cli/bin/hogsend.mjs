#!/usr/bin/env node
// The CLI is TypeScript source like every workspace package; tsx runs it without a build.
import { register } from "tsx/esm/api";

register();
await import("../src/index.ts");
