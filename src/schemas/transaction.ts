import { z } from "@hono/zod-openapi";
import { isValidTimeZone } from "./timezone";
import { COUNTRY_PATTERN, CURRENCY_CODES } from "./iso";

/**
 * The transaction a caller asks us to score. Payments conventions: amounts are integers in the currency's minor
 * unit (cents), countries are ISO 3166-1 alpha-2, currencies ISO 4217. Cards are identified by a fingerprint
 * the caller derives (e.g. a PSP's card fingerprint) — never by the card number.
 */
const country = z
  .string()
  .regex(COUNTRY_PATTERN, "must be an ISO 3166-1 alpha-2 code in upper case, e.g. US")
  .openapi({ example: "US" });

const id = (example: string) => z.string().min(1).max(128).openapi({ example });

export const MAX_AMOUNT_MINOR = 99_999_999_999;

export const ChannelSchema = z.enum(["web", "app", "moto", "pos"]).openapi({
  description: "web = browser checkout, app = mobile app, moto = mail/telephone order, pos = card present",
});
export type Channel = z.infer<typeof ChannelSchema>;

export const TransactionSchema = z
  .object({
    transaction_id: id("txn_1Q2w3E4r5T"),
    amount: z
      .number({ error: "must be an integer number of minor units (e.g. 1999 for 19.99)" })
      .int("must be an integer number of minor units (e.g. 1999 for 19.99), not a decimal")
      .positive("must be greater than 0")
      .max(MAX_AMOUNT_MINOR)
      .openapi({ example: 4999, description: "Integer amount in the currency's minor unit (cents)." }),
    currency: z.enum(CURRENCY_CODES, { error: "must be a supported ISO 4217 currency code in upper case" }).openapi({
      example: "USD",
    }),
    merchant: z.object({
      id: id("m_demo"),
      category: z
        .string()
        .regex(/^\d{4}$/, "must be a 4-digit merchant category code (MCC)")
        .optional()
        .openapi({ example: "5732" }),
      country: country.optional(),
      timezone: z
        .string()
        .max(64)
        .refine(isValidTimeZone, "must be an IANA time zone, e.g. Europe/Paris")
        .optional()
        .openapi({ example: "America/New_York", description: "IANA time zone of the merchant; default UTC." }),
    }),
    card: z.object({
      fingerprint: id("card_fp_8f14e45f"),
      bin: z
        .string()
        .regex(/^\d{6,8}$/, "must be the 6–8 digit BIN (issuer identification number)")
        .optional()
        .openapi({ example: "424242" }),
      country: country.optional(),
    }),
    customer: z
      .object({
        id: id("cus_42").optional(),
        email_domain: z
          .string()
          .max(253)
          .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "must be a domain name, e.g. example.com")
          .optional()
          .openapi({ example: "gmail.com" }),
        account_age_days: z.number().int().min(0).max(36_500).optional().openapi({ example: 380 }),
      })
      .optional(),
    device: z
      .object({
        id: id("dev_a1b2c3").optional(),
        ip: z.union([z.ipv4(), z.ipv6()], { error: "must be an IPv4 or IPv6 address" }).optional().openapi({
          example: "203.0.113.7",
        }),
        ip_country: country.optional().openapi({
          description: "Country of the shopper's IP if the caller knows it; defaults to the edge's view of the caller.",
        }),
        asn: z.number().int().min(0).max(4_294_967_295).optional().openapi({ example: 7922 }),
      })
      .optional(),
    billing_country: country.optional(),
    shipping_country: country.optional(),
    channel: ChannelSchema.optional(),
    created_at: z.iso
      .datetime({ offset: true, error: "must be an RFC 3339 date-time, e.g. 2026-11-21T10:00:00Z" })
      .optional()
      .openapi({ example: "2026-11-21T10:00:00Z" }),
  })
  .openapi("Transaction");

export type Transaction = z.infer<typeof TransactionSchema>;

/**
 * A transaction as a caller sends it to the score routes: the API key names the merchant, so `merchant` and
 * `merchant.id` may be left out; a given id must be the key's merchant (src/auth/merchant-scope.ts). Built from
 * the shape rather than with `.extend`, which OpenAPI would render as `allOf` with the stricter schema. It is the
 * API's "Transaction"; TransactionSchema is the same transaction once the merchant is known.
 */
export const TransactionRequestSchema = z
  .object({
    ...TransactionSchema.shape,
    merchant: TransactionSchema.shape.merchant
      .extend({
        id: id("m_demo").optional().openapi({ description: "Defaults to the API key's merchant; when given it must be that merchant." }),
      })
      .optional(),
  })
  .openapi("Transaction");
export type TransactionRequest = z.infer<typeof TransactionRequestSchema>;

/** What the edge knows about the caller's network, from `request.cf` (or recorded with the data in training). */
export interface EdgeContext {
  country?: string;
  asn?: number;
  colo?: string;
  /** The client's address as the edge saw it (`CF-Connecting-IP`, canonical): what a page's policy checks use. */
  ip?: string;
}

/** Everything one transaction is scored from, apart from behavioural state: what the feature definition reads. */
export interface ScoringInput {
  tx: Transaction;
  edge: EdgeContext;
  /**
   * Event time in ms since the epoch: when the transaction reached the scorer (in training, when it happened).
   * Every window and first/last-seen is measured on it, so no caller can date what it adds to the shared history.
   */
  t: number;
  /** The merchant's own claim of when it happened (`created_at`, within minutes of `t`), for the local hour. */
  claimedAt?: number;
}
