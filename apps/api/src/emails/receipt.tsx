/** @jsxRuntime automatic */
import { defineTemplate } from "@hogsend/email";
import { Link } from "@react-email/components";
import { z } from "zod";
import { brand } from "./brand.js";
import { Divider, Paragraph, SignOff, Title } from "./components/elements.js";
import { Layout } from "./components/layout.js";
import { formatDate, formatMoney, greeting } from "./format.js";

export const ReceiptPropsSchema = z.object({
  firstName: z.string().trim().min(1).optional(),
  receiptNumber: z.string().trim().min(1),
  /** When the payment was taken (ISO 8601). */
  paidAt: z.iso.datetime({ offset: true }),
  currency: z.string().regex(/^[A-Za-z]{3}$/, "Expected an ISO 4217 currency code such as USD"),
  lineItems: z
    .array(
      z.object({
        description: z.string().trim().min(1),
        /** Unit price in minor units (cents). */
        amount: z.int().nonnegative(),
        quantity: z.int().positive().optional(),
      }),
    )
    .min(1),
  /** e.g. "Visa ending in 4242". */
  paymentMethod: z.string().trim().min(1).optional(),
  invoiceUrl: z.url().optional(),
});
export type ReceiptProps = z.infer<typeof ReceiptPropsSchema>;

const cell = { fontSize: "14px", lineHeight: "22px", padding: "4px 0" };

/** Label/value rows; `dataTable` keeps them as aligned columns in the plain-text part. */
function SummaryTable(props: { rows: [string, string][]; total?: [string, string] }) {
  const rows = props.total ? [...props.rows, props.total] : props.rows;
  return (
    <table
      role="presentation"
      width="100%"
      cellPadding={0}
      cellSpacing={0}
      border={0}
      data-text-format="dataTable"
    >
      <tbody>
        {rows.map(([label, value], i) => {
          const weight = props.total && i === rows.length - 1 ? 600 : 400;
          return (
            // Index keys: the rows are static and line item descriptions may repeat.
            <tr key={i}>
              <td style={{ ...cell, fontWeight: weight }}>{label}</td>
              <td style={{ ...cell, fontWeight: weight, textAlign: "right" }}>{value}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Payment receipt: transactional, so it goes out regardless of marketing preferences. */
export function Receipt(props: ReceiptProps) {
  const money = (minor: number) => formatMoney(minor, props.currency);
  const total = props.lineItems.reduce((sum, item) => sum + item.amount * (item.quantity ?? 1), 0);
  return (
    <Layout
      preview={`Receipt ${props.receiptNumber}: ${money(total)} paid on ${formatDate(props.paidAt)}.`}
      reason={`This receipt was sent for your ${brand.name} account. Keep it for your records.`}
    >
      <Title>Thanks for your payment</Title>
      <Paragraph>{greeting(props.firstName)}</Paragraph>
      <Paragraph>
        We've received your payment of {money(total)}
        {props.paymentMethod ? ` from your ${props.paymentMethod}` : ""}. Here is your receipt.
      </Paragraph>
      <SummaryTable
        rows={[
          ["Receipt number", props.receiptNumber],
          ["Date paid", formatDate(props.paidAt)],
        ]}
      />
      <Divider />
      <SummaryTable
        rows={props.lineItems.map((item) => [
          item.quantity && item.quantity > 1 ? `${item.description} × ${item.quantity}` : item.description,
          money(item.amount * (item.quantity ?? 1)),
        ])}
        total={["Total paid", money(total)]}
      />
      <Divider />
      {props.invoiceUrl ? (
        <Paragraph>
          Need a PDF for your accounts team? <Link href={props.invoiceUrl}>Download the invoice</Link>.
        </Paragraph>
      ) : null}
      <SignOff />
    </Layout>
  );
}

export const receiptTemplate = defineTemplate({
  component: Receipt,
  subject: (p) => `Your ${brand.name} receipt ${p.receiptNumber}`,
  category: "transactional",
  example: {
    firstName: "Ada",
    receiptNumber: "2026-0142",
    paidAt: "2026-03-01T14:32:00.000Z",
    currency: "USD",
    lineItems: [
      { description: "Team plan, monthly", amount: 4900 },
      { description: "Additional seats", amount: 800, quantity: 3 },
    ],
    paymentMethod: "Visa ending in 4242",
    invoiceUrl: "https://pay.acme.example/invoice/inv_2026_0142/pdf",
  },
  props: ReceiptPropsSchema,
});
