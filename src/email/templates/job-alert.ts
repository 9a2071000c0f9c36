import { formatDate, renderEmail, type RenderedEmail } from './layout';

export interface JobAlertBreachLine {
  name: string;
  value: number;
  limit: number;
}

/** To every admin: the job system entered a breach of its health thresholds, or recovered from one. */
export function jobAlertEmail(input: { kind: 'entered' | 'recovered'; breaches: readonly JobAlertBreachLine[]; checkedAt: Date; healthUrl: string }): RenderedEmail {
  const when = formatDate(input.checkedAt);
  if (input.kind === 'recovered') {
    return renderEmail({
      subject: 'Jobs recovered: every health threshold is met again',
      heading: 'The job system is healthy again',
      paragraphs: [`At ${when} no job-health threshold was breached any more.`],
      action: { label: 'Job health', url: input.healthUrl },
    });
  }
  const names = input.breaches.map((breach) => breach.name).join(', ');
  return renderEmail({
    subject: `Jobs alert: ${names}`,
    heading: 'A job-health threshold is breached',
    paragraphs: [
      `At ${when} the job system breached ${input.breaches.length === 1 ? 'a threshold' : `${input.breaches.length} thresholds`}:`,
      ...input.breaches.map((breach) => `${breach.name}: ${breach.value} (limit ${breach.limit})`),
      'You will get one more email when every threshold is met again.',
    ],
    action: { label: 'Job health', url: input.healthUrl },
  });
}
