import { useQueryClient } from "@tanstack/react-query";
import { Suspense } from "react";
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { signOut, useCan, useMe } from "../api/session.js";
import { ErrorView } from "./error-view.js";
import { Skeleton } from "./skeleton.js";

const LINKS: { to: string; label: string; end?: boolean }[] = [
  { to: "/", label: "Overview", end: true },
  { to: "/contacts", label: "Contacts" },
  { to: "/journeys", label: "Journeys" },
  { to: "/sends", label: "Sends" },
  { to: "/templates", label: "Templates" },
  { to: "/events", label: "Events" },
  { to: "/lists", label: "Lists" },
  { to: "/audit-log", label: "Audit log" },
];
const ADMIN_LINKS: typeof LINKS = [
  { to: "/api-keys", label: "API keys" },
  { to: "/users", label: "Users" },
];

/** The shell of every signed-in page; without a session it sends the visitor to sign in. */
export function Layout() {
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const isAdmin = useCan("manage");
  if (me.isPending) return <Skeleton rows={8} />;
  if (me.isError) return <ErrorView error={me.error} title="Could not reach the api" />;
  if (!me.data)
    return (
      <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />
    );
  const user = me.data;
  const onSignOut = async () => {
    await signOut().catch(() => {});
    queryClient.clear();
    navigate("/sign-in", { replace: true });
  };
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Hogsend Studio</span>
        <nav aria-label="Main">
          {[...LINKS, ...(isAdmin ? ADMIN_LINKS : [])].map((link) => (
            <NavLink key={link.to} to={link.to} end={link.end ?? false}>
              {link.label}
            </NavLink>
          ))}
        </nav>
        <div className="account">
          <NavLink to="/account" title="Your account" className="account-link">
            {user.email} <span className="badge">{user.role}</span>
          </NavLink>
          <button type="button" className="secondary" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main>
        <Suspense fallback={<Skeleton rows={8} />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
