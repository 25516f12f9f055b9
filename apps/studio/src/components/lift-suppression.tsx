import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client.js";
import { ConfirmDialog } from "./confirm-dialog.js";
import { ErrorView } from "./error-view.js";

/**
 * Lets an operator lift a contact's suppression. The reason is required here (the API takes it as
 * optional) because lifting a bounce's suppression risks sending to a dead mailbox again: the audit
 * log should say why someone chose to.
 */
export function LiftSuppression({ contactId }: { contactId: string }) {
  const [open, setOpen] = useState(false);
  const queryClient = useQueryClient();
  const lift = useMutation({
    mutationFn: (reason: string) =>
      unwrap(
        api.PUT("/v1/admin/contacts/{id}/preferences", {
          params: { path: { id: contactId } },
          body: { suppressed: false, reason },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["contact", contactId] }),
  });
  return (
    <>
      <button
        type="button"
        className="secondary section-action"
        disabled={lift.isPending}
        onClick={() => setOpen(true)}
      >
        Lift suppression
      </button>
      {lift.isError && <ErrorView error={lift.error} title="Suppression not lifted" />}
      <ConfirmDialog
        open={open}
        title="Lift the suppression?"
        confirmLabel="Lift suppression"
        onConfirm={(fields) => lift.mutate(fields.reason ?? "")}
        onClose={() => setOpen(false)}
      >
        <p>Emails to this contact are sent again and the bounce count restarts at zero.</p>
        <label>
          Reason (written to the audit log)
          <textarea name="reason" required minLength={1} maxLength={500} rows={3} />
        </label>
      </ConfirmDialog>
    </>
  );
}
