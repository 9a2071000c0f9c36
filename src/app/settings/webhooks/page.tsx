import { getRuntime } from '@/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const metadata = { title: 'Webhook settings' };

/** GET /settings/webhooks, linked from the "webhook disabled" email: how to see and manage endpoints with the API. */
export default async function WebhookSettingsPage() {
  const { config } = await getRuntime();
  const base = config.publicWebappUrl;
  return (
    <main>
      <h1>Webhook settings</h1>
      <p>
        Webhook endpoints are managed with the API and your API key (from sign-up or <code>npm run user:create</code>).
        An endpoint that answers <code>410 Gone</code>, or fails every delivery for 3 days, is disabled; register it
        again once it works.
      </p>
      <h2>Your endpoints</h2>
      <p>Each with <code>enabled</code>, <code>failingSince</code> and <code>disabledAt</code>:</p>
      <pre>{`curl ${base}/api/webhooks -H "authorization: Bearer $KEY"`}</pre>
      <h2>Recent delivery attempts</h2>
      <p>Status code, duration, error and the start of each answer, newest first:</p>
      <pre>{`curl ${base}/api/webhooks/$WEBHOOK/deliveries -H "authorization: Bearer $KEY"`}</pre>
      <h2>Register an endpoint</h2>
      <p>The answer holds the signing secret, shown only once:</p>
      <pre>{`curl -X POST ${base}/api/webhooks -H "authorization: Bearer $KEY" -H 'content-type: application/json' \\
  -d '{"url":"https://example.com/hooks/signing","events":["document.completed","document.rejected","recipient.expired"]}'`}</pre>
      <h2>Delete an endpoint</h2>
      <pre>{`curl -X DELETE ${base}/api/webhooks/$WEBHOOK -H "authorization: Bearer $KEY"`}</pre>
    </main>
  );
}
