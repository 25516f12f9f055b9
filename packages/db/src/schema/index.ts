export * from "./api-keys.js";
export * from "./audit.js";
export * from "./auth.js";
export * from "./contacts.js";
export * from "./email.js";
export * from "./events.js";
export * from "./journeys.js";
export * from "./preferences.js";
