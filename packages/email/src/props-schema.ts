/**
 * The slice of the Standard Schema v1 interface (https://standardschema.dev) the registry needs to
 * validate template props. zod 4, valibot and arktype schemas satisfy it as they are, so this
 * package takes no validator dependency.
 */
export interface PropsSchema<Output> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => PropsSchemaResult<Output> | Promise<PropsSchemaResult<Output>>;
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined;
  };
}

export type PropsSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<PropsSchemaIssue> };

export interface PropsSchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** An issue path as a dotted field name (`items.0.amount`), or undefined for the value itself. */
export function issuePath(issue: PropsSchemaIssue): string | undefined {
  if (!issue.path || issue.path.length === 0) return undefined;
  return issue.path.map((segment) => String(typeof segment === "object" ? segment.key : segment)).join(".");
}
