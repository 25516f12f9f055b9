import type { ReactNode } from "react";
import { useSearchParams } from "react-router";
import { EmptyState } from "./empty-state.js";

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** Hidden on phone widths. */
  wide?: boolean;
}

/** The one table: readable rows, an empty state, and cursor paging kept in the URL. */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  empty,
  nextCursor,
  label,
}: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  empty: string;
  nextCursor?: string | null;
  label: string;
}) {
  const [params, setParams] = useSearchParams();
  const paged = params.has("cursor");
  const go = (cursor: string | null) => {
    const next = new URLSearchParams(params);
    if (cursor) next.set("cursor", cursor);
    else next.delete("cursor");
    setParams(next);
  };
  if (rows.length === 0 && !paged) return <EmptyState title={empty} />;
  return (
    <>
      <div className="table-scroll">
        <table aria-label={label}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} scope="col" className={c.wide ? "wide" : undefined}>
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c) => (
                  <td key={c.header} className={c.wide ? "wide" : undefined}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {(paged || nextCursor) && (
        <nav className="pager" aria-label={`${label} pages`}>
          <button type="button" className="secondary" disabled={!paged} onClick={() => go(null)}>
            First page
          </button>
          <button
            type="button"
            className="secondary"
            disabled={!nextCursor}
            onClick={() => go(nextCursor ?? null)}
          >
            Next page
          </button>
        </nav>
      )}
    </>
  );
}
