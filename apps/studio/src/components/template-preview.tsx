import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { api, type Schemas, unwrap } from "../api/client.js";
import { parseJsonObject } from "../api/json-object.js";
import { useCan, useMe } from "../api/session.js";
import { ErrorView } from "./error-view.js";

const previewUrl = (key: string, props: string | undefined) =>
  `/v1/admin/templates/${encodeURIComponent(key)}/preview?format=html` +
  (props === undefined ? "" : `&props=${encodeURIComponent(props)}`);

/**
 * One template rendered in a sandboxed frame, with its props editable as JSON. Props are checked
 * by the api (the template's own schema) before the frame is pointed at them, so a refusal shows
 * its fields here instead of an error body in the frame. An operator can send the render to
 * their own address, the only one a test send goes to.
 */
export function TemplatePreview({ template }: { template: Schemas["EmailTemplate"] }) {
  const me = useMe().data;
  const canSend = useCan("act");
  const [text, setText] = useState(() => JSON.stringify(template.example, null, 2));
  // The props the frame shows: undefined is the template's example.
  const [shown, setShown] = useState<string>();
  const [inputError, setInputError] = useState<Error>();

  const check = useMutation({
    mutationFn: (props: string) =>
      unwrap(
        api.GET("/v1/admin/templates/{key}/preview", {
          params: { path: { key: template.key }, query: { props, format: "json" } },
        }),
      ),
    onSuccess: (_rendered, props) => setShown(props),
  });
  const testSend = useMutation({
    mutationFn: (props: Record<string, unknown> | undefined) =>
      unwrap(
        api.POST("/v1/admin/templates/{key}/test-send", {
          params: { path: { key: template.key } },
          body: props ? { props } : {},
        }),
      ),
  });

  const readProps = () => {
    setInputError(undefined);
    check.reset();
    testSend.reset();
    try {
      return { props: parseJsonObject(text, "Props") };
    } catch (err) {
      setInputError(err as Error);
      return undefined;
    }
  };
  const onRender = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const read = readProps();
    if (read) check.mutate(JSON.stringify(read.props ?? {}));
  };
  const onTestSend = () => {
    const read = readProps();
    if (read) testSend.mutate(read.props);
  };

  return (
    <section aria-labelledby="preview-title" className="preview">
      <h2 id="preview-title">Preview: {template.key}</h2>
      <form className="props-form" onSubmit={onRender} aria-label={`Props of ${template.key}`}>
        <label>
          Props (JSON{template.hasPropsSchema ? ", checked by the template's schema" : ""})
          <textarea
            name="props"
            rows={Math.min(10, text.split("\n").length + 1)}
            value={text}
            spellCheck={false}
            onChange={(event) => setText(event.target.value)}
          />
        </label>
        <div className="actions">
          <button type="submit" disabled={check.isPending}>
            Render
          </button>
          {canSend && me && (
            <button type="button" className="secondary" disabled={testSend.isPending} onClick={onTestSend}>
              Send a test to {me.email}
            </button>
          )}
        </div>
      </form>
      {inputError && <ErrorView error={inputError} title="Not rendered" />}
      {check.isError && <ErrorView error={check.error} title="The template refused these props" />}
      {testSend.isError && <ErrorView error={testSend.error} title="Test not sent" />}
      {testSend.isSuccess && (
        <p role="status">
          {testSend.data.status === "suppressed"
            ? `Not sent to ${testSend.data.to}: ${testSend.data.reason ?? "suppressed"}.`
            : `Test sent to ${testSend.data.to} (${testSend.data.status}).`}{" "}
          <Link to={`/sends/${testSend.data.emailSendId}`}>See the send</Link>
        </p>
      )}
      {/* sandbox="": the email runs no script, submits no form and gets an opaque origin. */}
      <iframe
        title={`Preview of the ${template.key} email`}
        sandbox=""
        referrerPolicy="no-referrer"
        src={previewUrl(template.key, shown)}
      />
    </section>
  );
}
