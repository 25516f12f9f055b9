/** @jsxRuntime automatic */
import { z } from "zod";
import { brand } from "../brand.js";
import { formatMoney } from "../format.js";
import { Paragraph } from "./elements.js";

/** Props the payment-recovery emails share; only what the payment provider reliably sends. */
export const PaymentPropsSchema = z.object({
  firstName: z.string().trim().min(1).optional(),
  invoiceId: z.string().trim().min(1).optional(),
  /** Amount due in minor units (cents), as payment providers report it. */
  amountDue: z.int().positive().optional(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, "Expected an ISO 4217 currency code such as USD")
    .optional(),
  /** A per-invoice payment page (e.g. a hosted invoice URL); defaults to the billing settings. */
  updatePaymentUrl: z.url().optional(),
});
export type PaymentProps = z.infer<typeof PaymentPropsSchema>;

export const paymentExample = {
  firstName: "Ada",
  invoiceId: "INV-2026-0142",
  amountDue: 4900,
  currency: "USD",
  updatePaymentUrl: "https://pay.acme.example/invoice/inv_2026_0142",
} satisfies PaymentProps;

/** "$49.00 for invoice INV-2026-0142", or as much of it as is known. */
export function describeCharge(props: PaymentProps): string {
  const amount =
    props.amountDue === undefined ? "your payment" : formatMoney(props.amountDue, props.currency ?? "USD");
  return props.invoiceId ? `${amount} for invoice ${props.invoiceId}` : amount;
}

export function paymentUrl(props: PaymentProps): string {
  return props.updatePaymentUrl ?? brand.billingUrl;
}

/** Why a card usually fails, so the reader knows what to check before updating it. */
export function CommonCauses() {
  return (
    <Paragraph>
      Payments usually fail because a card has expired, hit its limit, or was flagged by the bank as an
      unusual charge. Updating the card or approving the charge with your bank normally fixes it straight
      away.
    </Paragraph>
  );
}
