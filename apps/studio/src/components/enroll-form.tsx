import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { ApiError, api, type Schemas, unwrap } from "../api/client.js";
import { parseJsonObject } from "../api/json-object.js";
import { ErrorView } from "./error-view.js";

/** `email` when it looks like one, else a user id: the two ways an operator knows a contact. */
function identityOf(text: string): { email: string } | { userId: string } {
  return text.includes("@") ? { email: text } : { userId: text };
}

/** A guard's refusal (409) carries `details.reason`: the part an operator needs to read. */
function refusalReason(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.status !== 409) return undefined;
  const reason = (error.details as { reason?: unknown } | undefined)?.reason;
  return typeof reason === "string" ? reason : undefined;
}

export function EnrollForm({ journeyId }: { journeyId: string }) {
  const queryClient = useQueryClient();
  const [inputError, setInputError] = useState<Error>();
  const enroll = useMutation({
    mutationFn: (body: Schemas["EnrollRequest"]) =>
      unwrap(api.POST("/v1/admin/journeys/{id}/enroll", { params: { path: { id: journeyId } }, body })),
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: ["journey-states", journeyId] });
      await queryClient.invalidateQueries({ queryKey: ["journeys"] });
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setInputError(undefined);
    enroll.reset();
    try {
      const who = identityOf(String(form.get("contact") ?? "").trim());
      const properties = parseJsonObject(String(form.get("properties") ?? ""), "Properties");
      enroll.mutate({ ...who, ...(properties ? { properties } : {}) });
    } catch (err) {
      setInputError(err as Error);
    }
  };
  const refused = refusalReason(enroll.error);
  return (
    <form className="enroll-form" onSubmit={onSubmit} aria-label="Enroll a contact">
      <h2>Enroll a contact</h2>
      <label>
        Contact email or user id
        <input name="contact" required maxLength={320} autoComplete="off" />
      </label>
      <label>
        Properties (JSON, optional)
        <textarea name="properties" rows={2} placeholder='{"plan": "pro"}' />
      </label>
      <div>
        <button type="submit" disabled={enroll.isPending}>
          Enroll
        </button>
      </div>
      {inputError && <ErrorView error={inputError} title="Not sent" />}
      {refused && (
        <p role="alert" className="error-view">
          <strong>Not enrolled:</strong> {refused}
        </p>
      )}
      {enroll.isError && !refused && <ErrorView error={enroll.error} title="Could not enroll" />}
      {enroll.isSuccess && (
        <p role="status">
          Enrolled: run <code>{enroll.data.runId}</code> started for{" "}
          <Link to={`/contacts/${enroll.data.contactId}`}>the contact</Link>.
        </p>
      )}
    </form>
  );
}
