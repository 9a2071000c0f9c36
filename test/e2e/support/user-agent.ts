// What a user (or their integration) sees of the running app: HTTP answers, emails at the Resend stand-in, and
// webhooks at a verifying receiver.
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver';
import { waitFor } from '../../helpers/wait-for';
import type { E2EApp } from './configuration';

export interface Answer {
  status: number;
  contentType: string;
  // Tests read JSON answers loosely; the assertions say what they expect.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function call(app: E2EApp, method: string, path: string, options: { key?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...(options.key && { authorization: `Bearer ${options.key}` }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    redirect: 'manual',
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  return { status: response.status, contentType, body: text && contentType.includes('json') ? JSON.parse(text) : text };
}

export interface Email {
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** Emails the Resend stand-in accepted, oldest first. */
export function emails(app: E2EApp): Email[] {
  return app.resend.delivered.map((email) => ({
    to: Array.isArray(email.to) ? email.to.join(',') : email.to,
    subject: email.subject,
    html: email.html ?? '',
    text: email.text ?? '',
  }));
}

/** Waits until at least `count` emails match, and returns them. */
export async function waitForEmails(app: E2EApp, count: number, match: (email: Email) => boolean, what: string): Promise<Email[]> {
  return waitFor(
    () => {
      const found = emails(app).filter(match);
      return found.length >= count ? found : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50, what: `${what} (seen so far: ${JSON.stringify(emails(app).map((e) => `${e.to}: ${e.subject}`))})` },
  );
}

/** Every link in an email: the href of each anchor in the HTML and each URL in the text. */
export function linksIn(email: Email): string[] {
  const fromHtml = [...email.html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));
  const fromText = [...email.text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((match) => match[0]);
  return [...new Set([...fromHtml, ...fromText])];
}

/** The token in an emailed link, e.g. `/sign/<token>`. */
export function tokenIn(email: Email, path: 'sign' | 'verify-email' | 'reset-password'): string {
  const match = new RegExp(`/${path}/([A-Za-z0-9_%-]+)`).exec(email.text);
  if (!match) throw new Error(`no /${path}/ link in: ${email.text}`);
  return decodeURIComponent(match[1]!);
}

/** GETs each link; returns those that do not answer 200 with an HTML page. */
export async function brokenLinks(links: readonly string[]): Promise<string[]> {
  const broken: string[] = [];
  for (const link of new Set(links)) {
    const response = await fetch(link, { redirect: 'manual' });
    const type = response.headers.get('content-type') ?? '';
    await response.body?.cancel();
    if (response.status !== 200 || !type.includes('text/html')) broken.push(`${link} -> ${response.status} ${type}`);
  }
  return broken;
}

export interface WebhookEndpoint {
  id: string;
  receiver: WebhookReceiver;
  close(): Promise<void>;
}

/**
 * Registers a webhook through the API with a verifying receiver behind it. The receiver needs the secret the
 * registration answers, so it starts afterwards, behind a route of the configuration's webhook gateway (the one
 * host:port the app may reach) whose URL was registered.
 */
export async function registerWebhook(app: E2EApp, apiKey: string, events: string[]): Promise<WebhookEndpoint> {
  const relay = app.webhooks.openRoute();
  const answer = await call(app, 'POST', '/api/webhooks', { key: apiKey, body: { url: `${relay.url}/hooks`, events } });
  if (answer.status !== 201) {
    await relay.close();
    throw new Error(`POST /api/webhooks answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  const receiver = await startWebhookReceiver(answer.body.secret);
  relay.target = receiver.url;
  return {
    id: answer.body.id,
    receiver,
    close: async () => {
      await relay.close();
      await receiver.close();
    },
  };
}

/** Deliveries the receiver got of one event type. */
export function deliveriesOf(endpoint: WebhookEndpoint, type: string) {
  return endpoint.receiver.received.filter((request) => {
    try {
      return (JSON.parse(request.body) as { type?: string }).type === type;
    } catch {
      return false;
    }
  });
}
