import { ProblemSchema } from "../errors/problem";

/** An OpenAPI response entry for a problem document (RFC 9457), as every route's `responses` lists them. */
export const problems = (description: string) => ({ content: { "application/problem+json": { schema: ProblemSchema } }, description });
