import { Link } from "react-router";
import { EmptyState } from "../components/empty-state.js";
import { PageHeader } from "../components/page-header.js";

/**
 * The place for lists, segments and broadcasts: they are not in this version. The page says what
 * reaches contacts today, so the nav entry leads somewhere useful instead of nowhere.
 */
export function Page() {
  return (
    <>
      <PageHeader title="Lists, segments and broadcasts" />
      <EmptyState title="Not in this version yet">
        Lists, segments and one-off broadcasts will live here, with each contact's memberships on its profile.
      </EmptyState>
      <section aria-labelledby="today">
        <h2 id="today">Reaching contacts today</h2>
        <ul>
          <li>
            <Link to="/journeys">Journeys</Link> start from your product's events and branch on contact
            properties.
          </li>
          <li>
            <Link to="/contacts">Contacts</Link> filter by any property, e.g. <code>plan=pro</code>.
          </li>
          <li>
            <code>hogsend contacts import</code> loads contacts and their properties from CSV or JSON Lines.
          </li>
        </ul>
      </section>
    </>
  );
}
