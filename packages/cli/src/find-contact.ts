import { type Contact, contactById, type Database, findContact } from "@hogsend/db";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A contact named on the command line: by id, email (it has an @) or user id. */
export async function findContactByHandle(db: Database, who: string): Promise<Contact | undefined> {
  if (UUID.test(who)) return contactById(db, who);
  return findContact(db, who.includes("@") ? { email: who } : { externalId: who });
}
