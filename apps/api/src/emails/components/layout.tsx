/** @jsxRuntime automatic */
import { EmailLayout } from "@hogsend/email";
import type { ReactNode } from "react";
import { brand } from "../brand.js";

/** EmailLayout with this product's name and postal address filled in. */
export function Layout(props: { preview: string; reason: string; children: ReactNode }) {
  return (
    <EmailLayout
      preview={props.preview}
      brandName={brand.name}
      postalAddress={brand.postalAddress}
      reason={props.reason}
    >
      {props.children}
    </EmailLayout>
  );
}
