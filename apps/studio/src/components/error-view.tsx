import { ApiError } from "../api/client.js";

/** A validation failure's `details.fields` (400): each bad field with what is wrong with it. */
function fieldsOf(error: ApiError | undefined): { field: string; message: string }[] {
  const fields = (error?.details as { fields?: unknown } | undefined)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.filter(
    (f): f is { field: string; message: string } =>
      typeof f?.field === "string" && typeof f?.message === "string",
  );
}

/** Any failure, with the api's message, code and request id (what a bug report needs). */
export function ErrorView({ error, title = "Something went wrong" }: { error: unknown; title?: string }) {
  const apiError = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-view" role="alert">
      <strong>{title}</strong>
      <p>{message}</p>
      {fieldsOf(apiError).length > 0 && (
        <ul className="error-fields">
          {fieldsOf(apiError).map((f) => (
            <li key={`${f.field}:${f.message}`}>
              <code>{f.field}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
      {apiError && (
        <p className="muted small">
          {apiError.code} · HTTP {apiError.status}
          {apiError.requestId && (
            <>
              {" "}
              · request id <code data-testid="request-id">{apiError.requestId}</code>
            </>
          )}
        </p>
      )}
    </div>
  );
}
