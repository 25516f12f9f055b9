import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../api/client.js";
import { DataTable } from "../components/data-table.js";
import { EmptyState } from "../components/empty-state.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";
import { TemplatePreview } from "../components/template-preview.js";

export function Page() {
  const [params, setParams] = useSearchParams();
  const preview = params.get("preview");
  const templates = useQuery({
    queryKey: ["templates"],
    queryFn: () => unwrap(api.GET("/v1/admin/templates")),
  });
  const selected = templates.data?.items.find((t) => t.key === preview);
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
        {selected && <TemplatePreview key={selected.key} template={selected} />}
        {preview && templates.isSuccess && !selected && (
          <EmptyState title={`No template ${preview}`}>It is not in this deployment.</EmptyState>
        )}
      </div>
    </>
  );
}
