import type { JourneyUser } from "@hogsend/engine";

/** The first name templates greet with, from the contact's properties; undefined: a neutral greeting. */
export function firstNameOf(user: JourneyUser): string | undefined {
  const { firstName, first_name, name } = user.properties;
  for (const value of [firstName, first_name]) {
    if (typeof value === "string" && value.trim()) return value.trim();
  }
  if (typeof name === "string" && name.trim()) return name.trim().split(/\s+/)[0];
  return undefined;
}
