import { decodeKeysetCursor, type KeysetCursor } from "@hogsend/db";
import { z } from "@hono/zod-openapi";

/** `limit` and `cursor` as every admin list takes them; a cursor we did not issue is a 400 on `cursor`. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(200)
    .optional()
    .transform((value, ctx): KeysetCursor | undefined => {
      if (value === undefined) return undefined;
      try {
        return decodeKeysetCursor(value);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    })
    .openapi({ description: "`nextCursor` of the previous page" }),
};

/** The page envelope every admin list answers with. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page; null on the last" }),
  });
