import { randomBytes } from "node:crypto";
import { AppError } from "@hogsend/core";
import { type Database, schema } from "@hogsend/db";
import { asc, sql as dsql } from "drizzle-orm";
import type { Auth } from "./better-auth.js";

export const MIN_PASSWORD_LENGTH = 8;

/** A strong password for a generated admin: 24 characters of base64url (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

function assertPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError("VALIDATION_FAILED", `password must be at least ${MIN_PASSWORD_LENGTH} characters`, {
      details: { fields: [{ field: "password", message: `at least ${MIN_PASSWORD_LENGTH} characters` }] },
    });
  }
}

function normaliseEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(trimmed)) {
    throw new AppError("VALIDATION_FAILED", `not an email address: ${email}`, {
      details: { fields: [{ field: "email", message: "must be an email address" }] },
    });
  }
  return trimmed;
}

/** Mints a Studio admin with a password, bypassing the closed sign-up (server side only). */
export async function createStudioAdmin(
  auth: Auth,
  input: { email: string; password: string; name?: string },
) {
  const email = normaliseEmail(input.email);
  assertPassword(input.password);
  const ctx = await auth.$context;
  if (await ctx.internalAdapter.findUserByEmail(email, { includeAccounts: false })) {
    throw new AppError("CONFLICT", `a user with email ${email} already exists`);
  }
  const hash = await ctx.password.hash(input.password);
  const user = await ctx.internalAdapter.createUser(
    { email, name: input.name ?? email.split("@")[0] ?? email, emailVerified: true },
    { method: "admin" },
  );
  await ctx.internalAdapter.linkAccount({
    userId: user.id,
    providerId: "credential",
    accountId: user.id,
    password: hash,
  });
  return { id: user.id, email };
}

/** Sets a new password and ends every session of that admin. */
export async function resetStudioAdminPassword(auth: Auth, input: { email: string; password: string }) {
  const email = normaliseEmail(input.email);
  assertPassword(input.password);
  const ctx = await auth.$context;
  const found = await ctx.internalAdapter.findUserByEmail(email, { includeAccounts: true });
  if (!found) throw new AppError("NOT_FOUND", `no Studio user with email ${email}`);
  const hash = await ctx.password.hash(input.password);
  const hasCredential = found.accounts.some((a) => a.providerId === "credential");
  if (hasCredential) await ctx.internalAdapter.updatePassword(found.user.id, hash);
  else {
    await ctx.internalAdapter.linkAccount({
      userId: found.user.id,
      providerId: "credential",
      accountId: found.user.id,
      password: hash,
    });
  }
  await ctx.internalAdapter.deleteUserSessions(found.user.id);
  return { id: found.user.id, email };
}

export async function listStudioAdmins(db: Database) {
  return db
    .select({
      id: schema.user.id,
      email: schema.user.email,
      name: schema.user.name,
      createdAt: schema.user.createdAt,
    })
    .from(schema.user)
    .orderBy(asc(schema.user.createdAt));
}

export async function countStudioUsers(db: Database): Promise<number> {
  const [row] = await db.select({ n: dsql<number>`count(*)::int` }).from(schema.user);
  return row?.n ?? 0;
}
