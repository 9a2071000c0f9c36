import { renderEmail, type RenderedEmail } from './layout';

/** To the owner: we stopped delivering to an endpoint (410 Gone, or failing for days). */
export function webhookDisabledEmail(input: { endpointUrl: string; reason: string; settingsUrl: string }): RenderedEmail {
  return renderEmail({
    subject: 'A webhook endpoint was disabled',
    heading: 'We disabled one of your webhook endpoints',
    paragraphs: [`We stopped sending events to ${input.endpointUrl}.`, `Why: ${input.reason}`, 'Events are not queued while it is disabled. Fix the endpoint, then enable it again.'],
    action: { label: 'Webhook settings', url: input.settingsUrl },
  });
}
