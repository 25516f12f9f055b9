import { Link } from "react-router";
import { EmptyState } from "../components/empty-state.js";

export function NotFoundPage() {
  return (
    <EmptyState title="No such page">
      <Link to="/">Back to the overview</Link>
    </EmptyState>
  );
}
