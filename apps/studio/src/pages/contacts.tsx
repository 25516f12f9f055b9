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
  const property = params.get("property") ?? "";
  const cursor = params.get("cursor") ?? undefined;
  const searchId = useId();
  const propertyId = useId();
  const contacts = useQuery({
    queryKey: ["contacts", search, property, cursor],
    queryFn: () =>
      unwrap(
        api.GET("/v1/admin/contacts", {
          params: {
            query: {
              limit: 50,
              ...(search ? { search } : {}),
              ...(property ? { property } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
  });
  // Both filters live in the URL, so a filtered list can be shared and survives a reload.
  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Record<string, string> = {};
    for (const key of ["search", "property"]) {
      const value = String(form.get(key) ?? "").trim();
      if (value) next[key] = value;
    }
    setParams(next);
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
        <label htmlFor={propertyId} className="visually-hidden">
          Property equals
        </label>
        <input
          id={propertyId}
          name="property"
          defaultValue={property}
          placeholder="plan=pro"
          pattern="[^=]+=.*"
          title="key=value, e.g. plan=pro or seats=3"
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
            empty={search || property ? "No contact matches these filters" : "No contacts yet"}
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
