/**
 * A filter form's non-empty fields as URL search params: filters live in the URL so a filtered
 * list survives a reload and can be shared, and a new filter starts again from the first page.
 */
export function filtersFromForm(form: HTMLFormElement, keys: readonly string[]): Record<string, string> {
  const data = new FormData(form);
  const next: Record<string, string> = {};
  for (const key of keys) {
    const value = String(data.get(key) ?? "").trim();
    if (value) next[key] = value;
  }
  return next;
}

/** The URL's values for these filter keys, present ones only: what goes into the API query. */
export function filtersFromUrl(params: URLSearchParams, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.flatMap((key) => (params.get(key) ? [[key, params.get(key) ?? ""]] : [])));
}
