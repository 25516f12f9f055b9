/**
 * The chaos run's verdict, from what the database and the fake provider hold at the end: pure, so
 * each way a run can lose or repeat something is unit-tested.
 */

export interface ChaosFacts {
  /** Recipients of the acknowledged trigger events, one journey each. */
  recipients: readonly string[];
  /** The templates each journey sends, once each. */
  templates: readonly string[];
  /** Idempotency keys the api acknowledged, and those of them stored in `user_events`. */
  ackedKeys: readonly string[];
  storedKeys: ReadonlySet<string>;
  /** The chaos journey's enrollments (`journey_states`) by recipient. */
  enrollments: readonly { recipient: string; status: string }[];
  /** The run's `email_sends` rows. */
  sends: readonly { id: string; toEmail: string; template: string; status: string }[];
  /** The fake's ledger: provider ids issued per email idempotency key. */
  ledger: Readonly<Record<string, readonly string[]>>;
  /** The per-email key a send carries to the provider. */
  providerKeyOf(sendId: string): string;
}

export interface ChaosVerdict {
  journeys: number;
  acked: number;
  /** Acknowledged, then not found in `user_events`. */
  eventsLost: number;
  /** Recipients with one enrollment, completed. */
  completed: number;
  /** Recipients with no enrollment, or one that did not complete. */
  notCompleted: number;
  /** Recipients enrolled more than once. */
  enrolledTwice: number;
  emailsExpected: number;
  /** Distinct emails (keys) the fake accepted. */
  emailsAccepted: number;
  /** Keys the fake accepted more than once. */
  duplicatesByKey: number;
  /** Recipient and template pairs the fake accepted more than once, under any keys. */
  duplicatesByRecipient: number;
  /** Recipient and template pairs the fake never accepted. */
  lost: number;
  /** Keys the fake accepted that no send row accounts for. */
  unrecorded: number;
  /** Send rows that did not end `sent`. */
  notSent: number;
  /** A few offenders of each kind, to start looking. */
  samples: string[];
}

export function verifyChaos(facts: ChaosFacts): ChaosVerdict {
  const samples: string[] = [];
  const sample = (line: string) => {
    if (samples.length < 12) samples.push(line);
  };
  const pair = (recipient: string, template: string) => `${recipient} ${template}`;

  const eventsLost = facts.ackedKeys.filter((key) => !facts.storedKeys.has(key));
  for (const key of eventsLost.slice(0, 3)) sample(`event acknowledged, not stored: ${key}`);

  const enrollmentsOf = new Map<string, string[]>();
  for (const e of facts.enrollments)
    enrollmentsOf.set(e.recipient, [...(enrollmentsOf.get(e.recipient) ?? []), e.status]);
  let completed = 0;
  let notCompleted = 0;
  let enrolledTwice = 0;
  for (const recipient of facts.recipients) {
    const statuses = enrollmentsOf.get(recipient) ?? [];
    if (statuses.length > 1) {
      enrolledTwice++;
      sample(`enrolled ${statuses.length} times: ${recipient} (${statuses.join(", ")})`);
    }
    if (statuses.length === 1 && statuses[0] === "completed") completed++;
    else if (statuses.length <= 1) {
      notCompleted++;
      sample(`not completed: ${recipient} (${statuses[0] ?? "never enrolled"})`);
    }
  }

  const sendByKey = new Map(facts.sends.map((s) => [facts.providerKeyOf(s.id), s]));
  const acceptedByPair = new Map<string, number>();
  let duplicatesByKey = 0;
  let unrecorded = 0;
  for (const [key, ids] of Object.entries(facts.ledger)) {
    if (ids.length > 1) {
      duplicatesByKey++;
      sample(`accepted ${ids.length} times: ${key}`);
    }
    const send = sendByKey.get(key);
    if (!send) {
      unrecorded++;
      sample(`accepted, no send row: ${key}`);
      continue;
    }
    const p = pair(send.toEmail, send.template);
    acceptedByPair.set(p, (acceptedByPair.get(p) ?? 0) + ids.length);
  }
  let duplicatesByRecipient = 0;
  for (const [p, n] of acceptedByPair) {
    if (n > 1) {
      duplicatesByRecipient++;
      sample(`${p}: accepted ${n} times`);
    }
  }
  let lost = 0;
  for (const recipient of facts.recipients) {
    for (const template of facts.templates) {
      if (acceptedByPair.has(pair(recipient, template))) continue;
      lost++;
      sample(`never accepted: ${pair(recipient, template)}`);
    }
  }
  const notSent = facts.sends.filter((s) => s.status !== "sent");
  for (const s of notSent.slice(0, 3)) sample(`send ${s.id} ended ${s.status}`);

  return {
    journeys: facts.recipients.length,
    acked: facts.ackedKeys.length,
    eventsLost: eventsLost.length,
    completed,
    notCompleted,
    enrolledTwice,
    emailsExpected: facts.recipients.length * facts.templates.length,
    emailsAccepted: Object.keys(facts.ledger).length,
    duplicatesByKey,
    duplicatesByRecipient,
    lost,
    unrecorded,
    notSent: notSent.length,
    samples,
  };
}

/** Nothing lost, nothing twice, every journey completed once. */
export function chaosPassed(v: ChaosVerdict): boolean {
  return (
    v.eventsLost === 0 &&
    v.acked === v.journeys &&
    v.completed === v.journeys &&
    v.enrolledTwice === 0 &&
    v.emailsAccepted === v.emailsExpected &&
    v.duplicatesByKey + v.duplicatesByRecipient + v.lost + v.unrecorded + v.notSent === 0
  );
}
