import { Link } from "react-router";
import { EmptyState } from "../components/empty-state.js";
import { PageHeader } from "../components/page-header.js";

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="No such page" />
      <EmptyState title="Nothing lives at this address">
        <Link to="/">Back to the overview</Link>
      </EmptyState>
    </>
  );
}
