import { randomBytes } from "node:crypto";
import { AppError } from "@hogsend/core";
import { type Database, type StudioRole, schema } from "@hogsend/db";
import { asc, sql as dsql, eq } from "drizzle-orm";
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
  return createStudioUser(auth, { ...input, role: "admin" });
}

/** Mints a Studio user with a role and a password, bypassing the closed sign-up (server side only). */
export async function createStudioUser(
  auth: Auth,
  input: { email: string; password: string; name?: string; role: StudioRole },
) {
  const email = normaliseEmail(input.email);
  assertPassword(input.password);
  const ctx = await auth.$context;
  if (await ctx.internalAdapter.findUserByEmail(email, { includeAccounts: false })) {
    throw new AppError("CONFLICT", `a user with email ${email} already exists`);
  }
  const hash = await ctx.password.hash(input.password);
  const user = await ctx.internalAdapter.createUser(
    { email, name: input.name ?? email.split("@")[0] ?? email, emailVerified: true, role: input.role },
    { method: "admin" },
  );
  await ctx.internalAdapter.linkAccount({
    userId: user.id,
    providerId: "credential",
    accountId: user.id,
    password: hash,
  });
  return { id: user.id, email, role: input.role };
}

/** Sets a new password and ends every session of that admin. */
export async function resetStudioAdminPassword(auth: Auth, input: { email: string; password: string }) {
  const email = normaliseEmail(input.email);
  assertPassword(input.password);
  const ctx = await auth.$context;
  const found = await ctx.internalAdapter.findUserByEmail(email, { includeAccounts: true });
  if (!found) throw new AppError("NOT_FOUND", `no Studio user with email ${email}`);
  await setPassword(auth, found.user.id, input.password);
  return { id: found.user.id, email };
}

/** Sets a new password for the user with this id and ends every session of theirs. */
export async function resetStudioUserPassword(auth: Auth, input: { userId: string; password: string }) {
  assertPassword(input.password);
  const ctx = await auth.$context;
  const user = await ctx.internalAdapter.findUserById(input.userId);
  if (!user) throw new AppError("NOT_FOUND", `no Studio user ${input.userId}`);
  await setPassword(auth, user.id, input.password);
  return { id: user.id, email: user.email };
}

async function setPassword(auth: Auth, userId: string, password: string) {
  const ctx = await auth.$context;
  const accounts = await ctx.internalAdapter.findAccounts(userId);
  const hash = await ctx.password.hash(password);
  const hasCredential = accounts.some((a) => a.providerId === "credential");
  if (hasCredential) await ctx.internalAdapter.updatePassword(userId, hash);
  else {
    await ctx.internalAdapter.linkAccount({
      userId,
      providerId: "credential",
      accountId: userId,
      password: hash,
    });
  }
  await ctx.internalAdapter.deleteUserSessions(userId);
}

export async function listStudioAdmins(db: Database) {
  return db
    .select({
      id: schema.user.id,
      email: schema.user.email,
      name: schema.user.name,
      role: schema.user.role,
      createdAt: schema.user.createdAt,
    })
    .from(schema.user)
    .orderBy(asc(schema.user.createdAt));
}

export async function countStudioUsers(db: Database): Promise<number> {
  const [row] = await db.select({ n: dsql<number>`count(*)::int` }).from(schema.user);
  return row?.n ?? 0;
}

/** One Studio user's public fields, or undefined. */
export async function findStudioUser(db: Database, userId: string) {
  const [row] = await db
    .select({ id: schema.user.id, email: schema.user.email, name: schema.user.name, role: schema.user.role })
    .from(schema.user)
    .where(eq(schema.user.id, userId));
  return row;
}

/**
 * Gives a Studio user another role and ends their sessions: a session carries the role it was
 * made with (also in Redis), so the new one applies from their next sign-in, not an hour later.
 */
export async function setStudioUserRole(
  auth: Auth,
  db: Database,
  input: { userId: string; role: StudioRole },
) {
  const [row] = await db
    .update(schema.user)
    .set({ role: input.role, updatedAt: new Date() })
    .where(eq(schema.user.id, input.userId))
    .returning({ id: schema.user.id, email: schema.user.email });
  if (!row) throw new AppError("NOT_FOUND", `no Studio user ${input.userId}`);
  const ctx = await auth.$context;
  await ctx.internalAdapter.deleteUserSessions(row.id);
  return row;
}
