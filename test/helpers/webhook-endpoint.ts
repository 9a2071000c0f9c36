// Registers a webhook endpoint through the API and puts a verifying receiver behind it: the receiver needs the
// secret the registration answers, so it starts afterwards, behind a relay whose URL was registered.
import { startHttpRelay, type HttpRelay } from './http-relay';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';
import type { AppHarness } from './app-harness';

export interface WebhookEndpoint {
  id: string;
  secret: string;
  receiver: WebhookReceiver;
  close(): Promise<void>;
}

export async function registerWebhookEndpoint(app: AppHarness, apiKey: string, events: string[]): Promise<WebhookEndpoint> {
  const relay: HttpRelay = await startHttpRelay();
  const answer = await app.api('POST', '/api/webhooks', { key: apiKey, body: { url: `${relay.url}/hooks`, events } });
  if (answer.status !== 201) throw new Error(`webhook registration answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const receiver = await startWebhookReceiver(answer.body.secret);
  relay.target = receiver.url;
  return {
    id: answer.body.id,
    secret: answer.body.secret,
    receiver,
    close: async () => {
      await relay.close();
      await receiver.close();
    },
  };
}
