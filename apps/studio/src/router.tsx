import { createBrowserRouter } from "react-router";
import { Layout } from "./components/layout.js";
import { NotFoundPage } from "./pages/not-found.js";
import { OverviewPage } from "./pages/overview.js";
import { SignInPage } from "./pages/sign-in.js";

/** A page module loaded on first visit: heavy pages stay out of the initial bundle. */
const page = (load: () => Promise<{ Page: React.ComponentType }>) => async () => ({
  Component: (await load()).Page,
});

export const router = createBrowserRouter(
  [
    { path: "/sign-in", Component: SignInPage },
    {
      path: "/",
      Component: Layout,
      children: [
        { index: true, Component: OverviewPage },
        { path: "contacts", lazy: page(() => import("./pages/contacts.js")) },
        { path: "contacts/:id", lazy: page(() => import("./pages/contact-detail.js")) },
        { path: "journeys", lazy: page(() => import("./pages/journeys.js")) },
        { path: "journeys/:id", lazy: page(() => import("./pages/journey-detail.js")) },
        { path: "journeys/:id/states/:stateId", lazy: page(() => import("./pages/enrollment-detail.js")) },
        { path: "sends", lazy: page(() => import("./pages/sends.js")) },
        { path: "sends/:id", lazy: page(() => import("./pages/send-detail.js")) },
        { path: "templates", lazy: page(() => import("./pages/templates.js")) },
        { path: "events", lazy: page(() => import("./pages/events.js")) },
        { path: "lists", lazy: page(() => import("./pages/lists.js")) },
        { path: "audit-log", lazy: page(() => import("./pages/audit-log.js")) },
        { path: "api-keys", lazy: page(() => import("./pages/api-keys.js")) },
        { path: "users", lazy: page(() => import("./pages/users.js")) },
        { path: "account", lazy: page(() => import("./pages/account.js")) },
        { path: "*", Component: NotFoundPage },
      ],
    },
  ],
  { basename: "/studio" },
);
