export * from "./contacts.js";
export * from "./events.js";
