import { useQuery } from "@tanstack/react-query";
import { ApiError, api, toApiError, unwrap } from "./client.js";

export type Role = "viewer" | "operator" | "admin";

export const ME_KEY = ["me"] as const;

/** The signed-in user, or null when there is no session (a 401). */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async () => {
      try {
        const me = await unwrap(api.GET("/v1/admin/me"));
        return me.user;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

/** What the UI offers; the api enforces the same rules on every call. */
export function roleCan(role: Role | undefined, what: "act" | "manage"): boolean {
  if (what === "manage") return role === "admin";
  return role === "admin" || role === "operator";
}

export function useCan(what: "act" | "manage"): boolean {
  return roleCan(useMe().data?.role, what);
}

async function authPost(path: string, body: unknown) {
  const response = await fetch(`/api/auth${path}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw toApiError(response, await response.json().catch(() => undefined));
}

/** better-auth's email and password sign-in; sets the HttpOnly session cookie. */
export const signIn = (email: string, password: string) => authPost("/sign-in/email", { email, password });

export const signOut = () => authPost("/sign-out", {});
