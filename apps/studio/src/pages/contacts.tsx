import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useId } from "react";
import { Link, useSearchParams } from "react-router";
import { api, unwrap } from "../api/client.js";
import { DataTable } from "../components/data-table.js";
import { DateTime } from "../components/date-time.js";
import { PageHeader } from "../components/page-header.js";
import { QueryView } from "../components/query-view.js";

export function Page() {
  const [params, setParams] = useSearchParams();
  const search = params.get("search") ?? "";
  const cursor = params.get("cursor") ?? undefined;
  const searchId = useId();
  const contacts = useQuery({
    queryKey: ["contacts", search, cursor],
    queryFn: () =>
      unwrap(
        api.GET("/v1/admin/contacts", {
          params: { query: { limit: 50, ...(search ? { search } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
  });
  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("search") ?? "").trim();
    setParams(value ? { search: value } : {});
  };
  return (
    <>
      <PageHeader title="Contacts" />
      <form className="toolbar" onSubmit={onSearch} aria-label="Contact search">
        <label htmlFor={searchId} className="visually-hidden">
          Search contacts
        </label>
        <input
          id={searchId}
          name="search"
          type="search"
          defaultValue={search}
          placeholder="Email or user id"
        />
        <button type="submit">Search</button>
      </form>
      <QueryView query={contacts}>
        {(data) => (
          <DataTable
            label="Contacts"
            rows={data.items}
            rowKey={(c) => c.id}
            nextCursor={data.nextCursor}
            empty={search ? `No contact matches “${search}”` : "No contacts yet"}
            columns={[
              {
                header: "Contact",
                cell: (c) => (
                  <Link to={`/contacts/${c.id}`}>{c.email ?? c.userId ?? c.anonymousId ?? c.id}</Link>
                ),
              },
              { header: "User id", cell: (c) => c.userId ?? "—", wide: true },
              { header: "Last seen", cell: (c) => <DateTime value={c.lastSeenAt} /> },
              { header: "First seen", cell: (c) => <DateTime value={c.firstSeenAt} />, wide: true },
            ]}
          />
        )}
      </QueryView>
    </>
  );
}
