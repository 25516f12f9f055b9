import { type ReactNode, useEffect, useRef } from "react";

/**
 * A modal built on the native <dialog> (focus kept inside, Escape closes, the page behind inert),
 * rather than window.confirm/prompt: it can explain the consequence and hold a form field.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger = false,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** Receives the dialog's form fields (name → value). */
  onConfirm: (fields: Record<string, string>) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby="confirm-dialog-title" onClose={onClose}>
      <form
        method="dialog"
        className="dialog-form"
        onSubmit={(event) => {
          event.preventDefault();
          const fields = Object.fromEntries(
            [...new FormData(event.currentTarget).entries()].map(([k, v]) => [k, String(v)]),
          );
          onConfirm(fields);
          onClose();
        }}
      >
        <h2 id="confirm-dialog-title">{title}</h2>
        {children}
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={danger ? "danger" : undefined}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
