import type { z } from "zod";
import type { FieldError } from "./problem";

export function pathToString(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, p) => (typeof p === "number" ? `${s}[${p}]` : s === "" ? String(p) : `${s}.${String(p)}`),
    "",
  );
}

/** Every offending field of a zod error, with its path as the caller wrote it (`device.ip`, `transactions[3]`). */
export function fieldErrors(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] =>
    // A strict object's unknown fields: one error each, at its own path, so the caller sees which one to drop.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: pathToString([...prefix, ...issue.path, key]), code: issue.code, message: "is not a field of this object" }))
      : [{ path: pathToString([...prefix, ...issue.path]) || "(body)", code: issue.code, message: issue.message }],
  );
}
