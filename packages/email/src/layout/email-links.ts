import { createContext, useContext } from "react";

/** Per-recipient links renderTemplate hands to the layout, so templates never thread them through. */
export interface EmailLinks {
  unsubscribeUrl?: string | undefined;
  preferencesUrl?: string | undefined;
}

export const EmailLinksContext = createContext<EmailLinks>({});

/** The unsubscribe and preferences links of the email being rendered (none for transactional mail). */
export function useEmailLinks(): EmailLinks {
  return useContext(EmailLinksContext);
}
