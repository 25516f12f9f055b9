import type { Contact } from "@hogsend/db";
import type { EventInput } from "./event-input.js";

export type ContactIdentity = Pick<Contact, "id" | "externalId" | "email" | "anonymousId">;

/**
 * The strongest identity a contact has, as the ingest pipeline takes it: the product's user id,
 * else the email, else the anonymous id (a contact with none is keyed by its own id).
 */
export function identityOf(contact: ContactIdentity): Pick<EventInput, "userId" | "email" | "anonymousId"> {
  if (contact.externalId) return { userId: contact.externalId };
  if (contact.email) return { email: contact.email };
  return { anonymousId: contact.anonymousId ?? contact.id };
}

/** The contact's PostHog distinct id: its external id, else its email, else its anonymous id. */
export function distinctIdOf(contact: ContactIdentity): string {
  const identity = identityOf(contact);
  return identity.userId ?? identity.email ?? identity.anonymousId ?? contact.id;
}
