import { desc } from 'drizzle-orm';
import { notFound } from 'next/navigation';
import { emailMessages } from '@/db/schema';
import { getRuntime } from '@/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const metadata = { title: 'Outbox' };

/**
 * GET /dev/outbox: the newest emails in email_messages (the outbox when RESEND_API_KEY is unset), with their
 * links, so sign-up, reset and signing flows can be followed without a mail server. 404 in production: the
 * bodies hold live tokens.
 */
export default async function OutboxPage() {
  const { config, database } = await getRuntime();
  if (config.isProduction) notFound();
  const emails = await database.db.select().from(emailMessages).orderBy(desc(emailMessages.createdAt)).limit(50);
  return (
    <main>
      <h1>Outbox</h1>
      <p>The newest {emails.length} emails ({config.email.resendApiKey ? 'sent through Resend' : 'not sent: RESEND_API_KEY is unset'}).</p>
      {emails.map((email) => (
        <article key={email.id} className="outbox-email">
          <h2>{email.subject}</h2>
          <p>
            To {email.to} · {email.status} · {email.createdAt.toISOString()}
          </p>
          {email.bodyRedactedAt ? <p>Body removed {email.bodyRedactedAt.toISOString()} (EMAIL_BODY_RETENTION_HOURS).</p> : <pre>{linkify(email.text)}</pre>}
        </article>
      ))}
    </main>
  );
}

/** React escapes the text; URLs become links so a flow can be clicked through. */
function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/g).map((part, index) =>
    index % 2 === 1 ? (
      <a key={index} href={part}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}
