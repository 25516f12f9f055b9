// Export only client-track tables here: drizzle-kit generates /migrations from this file.
export * from "./app-settings.js";
