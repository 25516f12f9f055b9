import { ApiError } from "../api/client.js";

/** Any failure, with the api's message, code and request id (what a bug report needs). */
export function ErrorView({ error, title = "Something went wrong" }: { error: unknown; title?: string }) {
  const apiError = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-view" role="alert">
      <strong>{title}</strong>
      <p>{message}</p>
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
