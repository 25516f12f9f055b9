import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, type Schemas, unwrap } from "../api/client.js";
import { parseJsonObject } from "../api/json-object.js";
import { ErrorView } from "./error-view.js";

type Contact = Schemas["AdminContact"];

/** The identity the ingest API knows this contact by: its user id first, as the product sends it. */
function identityOf(contact: Contact): Pick<Schemas["EventInput"], "userId" | "email" | "anonymousId"> {
  if (contact.userId) return { userId: contact.userId };
  if (contact.email) return { email: contact.email };
  return { anonymousId: contact.anonymousId ?? contact.id };
}

/**
 * Sends a real event for this contact through POST /v1/events, as the signed-in operator: the way
 * to check a journey's trigger without the product. It is not a dry run, so the form says so.
 */
export function FireEventForm({ contact }: { contact: Contact }) {
  const queryClient = useQueryClient();
  const [inputError, setInputError] = useState<Error>();
  const fire = useMutation({
    mutationFn: (body: Schemas["EventInput"]) => unwrap(api.POST("/v1/events", { body })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["contact", contact.id] });
      await queryClient.invalidateQueries({ queryKey: ["events"] });
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setInputError(undefined);
    fire.reset();
    try {
      const eventProperties = parseJsonObject(String(form.get("eventProperties") ?? ""), "Event properties");
      fire.mutate({
        name: String(form.get("name") ?? "").trim(),
        ...identityOf(contact),
        ...(eventProperties ? { eventProperties } : {}),
      });
    } catch (err) {
      setInputError(err as Error);
    }
  };
  return (
    <form className="enroll-form" onSubmit={onSubmit} aria-label="Fire a test event">
      <h2>Fire a test event</h2>
      <p className="muted small">A real event: journeys it triggers start for this contact.</p>
      <label>
        Event name
        <input name="name" required maxLength={200} placeholder="user_signed_up" autoComplete="off" />
      </label>
      <label>
        Event properties (JSON, optional)
        <textarea name="eventProperties" rows={2} placeholder='{"plan": "pro"}' />
      </label>
      <div>
        <button type="submit" disabled={fire.isPending}>
          Fire event
        </button>
      </div>
      {inputError && <ErrorView error={inputError} title="Not sent" />}
      {fire.isError && <ErrorView error={fire.error} title="Event not stored" />}
      {fire.isSuccess && <p role="status">Event stored; it is on the timeline below.</p>}
    </form>
  );
}
