import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorView } from "./error-view.js";
import { Skeleton } from "./skeleton.js";

/** The loading, error and loaded states of one query, the same on every page. */
export function QueryView<T>({
  query,
  children,
  rows,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  rows?: number;
}) {
  if (query.isPending) return <Skeleton rows={rows} />;
  if (query.isError) return <ErrorView error={query.error} />;
  return <>{children(query.data)}</>;
}
