import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../api/client.js";
import { DataTable } from "../components/data-table.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";

export function Page() {
  const [params, setParams] = useSearchParams();
  const preview = params.get("preview");
  const templates = useQuery({
    queryKey: ["templates"],
    queryFn: () => unwrap(api.GET("/v1/admin/templates")),
  });
  return (
    <>
      <PageHeader title="Templates" />
      <div className="two-col">
        <QueryView query={templates}>
          {(data) => (
            <DataTable
              label="Templates"
              rows={data.items}
              rowKey={(t) => t.key}
              empty="No templates in this deployment"
              columns={[
                { header: "Key", cell: (t) => <code>{t.key}</code> },
                { header: "Category", cell: (t) => t.category, wide: true },
                {
                  header: "Subject",
                  cell: (t) => t.subject ?? <span className="muted">dynamic</span>,
                  wide: true,
                },
                {
                  header: "Preview",
                  cell: (t) => (
                    <button
                      type="button"
                      className="secondary"
                      aria-pressed={preview === t.key}
                      onClick={() => setParams({ preview: t.key })}
                    >
                      Preview {t.key}
                    </button>
                  ),
                },
              ]}
            />
          )}
        </QueryView>
        {preview && (
          <section aria-labelledby="preview-title" className="preview">
            <h2 id="preview-title">Preview: {preview}</h2>
            {/* sandbox="": the email runs no script, submits no form and gets an opaque origin. */}
            <iframe
              title={`Preview of the ${preview} email`}
              sandbox=""
              referrerPolicy="no-referrer"
              src={`/v1/admin/templates/${encodeURIComponent(preview)}/preview?format=html`}
            />
          </section>
        )}
      </div>
    </>
  );
}
