import { AppError } from "@hogsend/core";
import { type Contact, contactById, findContact, type Queryable, upsertContact } from "@hogsend/db";

/** Who an email is for: an address, the product's user id, or (inside Hogsend) a contact id. */
export interface RecipientInput {
  to?: string | undefined;
  userId?: string | undefined;
  contactId?: string | undefined;
}

/**
 * The contact a send belongs to and the address it goes to: the mailer's slow path, for a recipient
 * its one-read lookup did not find. An address alone creates the contact
 * (a transactional email to someone who never sent an event still needs preferences and history);
 * a user id must already be known unless an address comes with it.
 */
export async function resolveRecipient(
  db: Queryable,
  input: RecipientInput,
): Promise<{ contact: Contact; address: string }> {
  let contact: Contact | undefined;
  if (input.contactId) {
    contact = await contactById(db, input.contactId);
    if (!contact || contact.deletedAt)
      throw new AppError("NOT_FOUND", `No contact with id ${input.contactId}`);
  } else if (input.userId) {
    contact = await findContact(db, { externalId: input.userId });
    if (!contact && input.to)
      contact = await upsertContact(db, { externalId: input.userId, email: input.to });
    if (!contact) {
      throw new AppError("VALIDATION_FAILED", `No contact with userId ${JSON.stringify(input.userId)}`, {
        details: {
          fields: [
            { field: "userId", message: "Unknown user: send an event for it first, or give `to` as well" },
          ],
        },
      });
    }
  } else if (input.to) {
    contact = await upsertContact(db, { email: input.to });
  } else {
    throw new AppError("VALIDATION_FAILED", "An email needs a recipient: `to` or `userId`", {
      details: { fields: [{ field: "to", message: "Give `to` or `userId`" }] },
    });
  }
  const address = input.to ?? contact.email;
  if (!address) throw noAddress(contact.id);
  return { contact, address };
}

export function noAddress(contactId: string): AppError {
  return new AppError("VALIDATION_FAILED", `Contact ${contactId} has no email address`, {
    details: { fields: [{ field: "to", message: "The contact has no email address: give `to`" }] },
  });
}
