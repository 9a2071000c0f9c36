// Every job of the app, converted to an Inngest function and run by @inngest/test (the real SDK's execution
// engine) against a real PostgreSQL database: each must finish and leave its effect. step.sendEvent is replaced
// (an unmocked one would really send) and recorded instead.
import { InngestTestEngine } from '@inngest/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env';
import { createDocument } from '../../src/domain/documents/create-document';
import { createUser } from '../../src/domain/users/create-user';
import { webhooks } from '../../src/db/schema';
import { appDefinitions, createJobDeps } from '../../src/jobs/definitions';
import { appEvents } from '../../src/jobs/events';
import { silentLogger } from '../../src/jobs/logger';
import { InngestProvider } from '../../src/jobs/providers/inngest/inngest-provider';
import { JobRegistry } from '../../src/jobs/registry';
import { generateWebhookSecret } from '../../src/webhooks/sign';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

describe('every app job through the Inngest SDK', () => {
  let database: TestDatabase;
  let provider: InngestProvider;
  let receiver: WebhookReceiver;
  const sent: Array<{ name: string; data: unknown }> = [];
  let ownerId: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const config = parseEnv({ DATABASE_URL: database.url, WEBHOOK_ALLOW_PRIVATE: 'true', PUBLIC_WEBAPP_URL: 'http://app.test' });
    const registry = new JobRegistry(appEvents, appDefinitions(createJobDeps(config, database.handle)));
    provider = new InngestProvider({ appId: 'app', isDev: true, serveOrigin: 'http://app.test', registry, logger: silentLogger, onFailure: async () => {} });
    ownerId = (await createUser(database.handle.db, { email: 'owner@example.com', name: 'Olive' })).user.id;
    const secret = generateWebhookSecret();
    receiver = await startWebhookReceiver(secret);
    await database.handle.db.insert(webhooks).values({ ownerId, url: receiver.url, secret, events: ['document.completed'] });
  });
  afterAll(async () => {
    await receiver.close();
    await database.drop();
  });

  async function run(id: string, events: Array<{ name: string; data: Record<string, unknown>; ts?: number }>) {
    const fn = provider.functions.find((candidate) => candidate.id() === id);
    expect(fn, `no Inngest function for ${id}`).toBeDefined();
    const engine = new InngestTestEngine({
      function: fn as never,
      events: events as never,
      transformCtx: ((ctx: { step: Record<string, unknown> }) => ({
        ...ctx,
        step: {
          ...ctx.step,
          sendEvent: async (_id: string, payload: Array<{ name: string; data: unknown }>) => {
            sent.push(...payload);
            return { ids: payload.map((_, index) => `stub-${index}`) };
          },
        },
      })) as never,
    });
    const { result, error } = await engine.execute();
    expect(error).toBeUndefined();
    return result;
  }

  const emailsTo = async (to: string) =>
    database.handle.sql.query<{ subject: string }>(`select subject from email_messages where "to" = $1 order by created_at`, [to]);
  const pendingDocument = async (emails: string[]) => {
    const document = await createDocument(database.handle.db, { ownerId, title: 'Lease', recipients: emails.map((email) => ({ email })) });
    await database.handle.sql.query(`update documents set status = 'PENDING', sent_at = now() where id = $1`, [document.id]);
    return document;
  };

  it('covers every definition of the app', () => {
    expect(provider.functions.map((fn) => fn.id()).sort()).toEqual([
      'audit-cleanup',
      'document-cleanup',
      'document-completed',
      'document-rejected',
      'email-send',
      'email-send-batch',
      'expire-recipients-sweep',
      'job-health-alerts',
      'send-password-reset-email',
      'send-signing-email',
      'send-verification-email',
      'trigger-webhook',
    ]);
  });

  it('send-signing-email invites each pending recipient', async () => {
    const document = await pendingDocument(['ann@example.com', 'bob@example.com']);
    await run('send-signing-email', [{ name: 'document/sent', data: { documentId: document.id } }]);
    expect(await emailsTo('ann@example.com')).toHaveLength(1);
    expect(await emailsTo('bob@example.com')).toHaveLength(1);
  });

  it('document-completed marks the document, emails everyone and asks for the webhook', async () => {
    const document = await pendingDocument(['cy@example.com']);
    await database.handle.sql.query(`update recipients set status = 'SIGNED', signed_at = now() where document_id = $1`, [document.id]);
    await run('document-completed', [{ name: 'document/all.signed', data: { documentId: document.id } }]);
    const [row] = await database.handle.sql.query<{ status: string }>(`select status from documents where id = $1`, [document.id]);
    expect(row!.status).toBe('COMPLETED');
    expect(await emailsTo('cy@example.com')).toHaveLength(1);
    expect(sent.some((event) => event.name === 'webhook/delivery.requested')).toBe(true);
  });

  it('document-rejected marks the document rejected and tells the owner', async () => {
    const document = await pendingDocument(['dee@example.com']);
    const recipientId = document.recipients[0]!.id;
    await database.handle.sql.query(`update recipients set status = 'REJECTED', rejected_at = now(), rejection_reason = 'no' where id = $1`, [recipientId]);
    await run('document-rejected', [{ name: 'document/recipient.rejected', data: { documentId: document.id, recipientId, reason: 'no' } }]);
    const [row] = await database.handle.sql.query<{ status: string }>(`select status from documents where id = $1`, [document.id]);
    expect(row!.status).toBe('REJECTED');
  });

  it('trigger-webhook delivers a signed message', async () => {
    const [hook] = await database.handle.sql.query<{ id: string }>(`select id from webhooks limit 1`);
    const delivered = receiver.nextRequest();
    await run('trigger-webhook', [
      { name: 'webhook/delivery.requested', data: { webhookId: hook!.id, event: 'document.completed', messageId: 'msg_inngest_1', payload: { ok: true } } },
    ]);
    expect((await delivered).verified).toBe(true);
  });

  it('the cron jobs run from a scheduled timer event', async () => {
    const ts = Date.parse('2026-03-01T03:00:00Z');
    for (const id of ['expire-recipients-sweep', 'audit-cleanup', 'document-cleanup', 'job-health-alerts']) {
      await run(id, [{ name: 'inngest/scheduled.timer', data: { cron: 'TZ=UTC 0 3 * * *' }, ts }]);
    }
  });

  it('auth emails and the generic email queue send', async () => {
    const { user } = await createUser(database.handle.db, { email: 'new@example.com' });
    await run('send-verification-email', [{ name: 'user/signed.up', data: { userId: user.id } }]);
    await run('send-password-reset-email', [{ name: 'user/password-reset.requested', data: { userId: user.id } }]);
    expect(await emailsTo('new@example.com')).toHaveLength(2);
    const message = { to: 'queue@example.com', subject: 'Hello', html: '<p>hi</p>', text: 'hi' };
    await run('email-send', [{ name: 'email/send', data: message }]);
    await run('email-send-batch', [{ name: 'email/send-batch', data: { messages: [message, { ...message, subject: 'Again' }] } }]);
    expect(await emailsTo('queue@example.com')).toHaveLength(3);
  });
});
