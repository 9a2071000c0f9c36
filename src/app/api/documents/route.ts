import { z } from 'zod';
import { emailField } from '@/app/_lib/fields';
import { readJson } from '@/app/_lib/read-json';
import { withApiKey } from '@/app/_lib/with-api-key';
import { createDocument } from '@/domain/documents/create-document';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const body = z.object({
  title: z.string().trim().min(1).max(500),
  recipients: z
    .array(z.object({ email: emailField, name: z.string().trim().min(1).max(200).optional() }))
    .min(1)
    .max(50)
    .refine((list) => new Set(list.map((r) => r.email.toLowerCase())).size === list.length, 'each recipient email may appear once'),
  expiresAt: z.iso
    .datetime({ offset: true, abort: true })
    .refine((value) => Date.parse(value) > Date.now(), 'must be in the future')
    .optional(),
});

/** POST /api/documents: a DRAFT document with its recipients and an optional signing deadline (201). */
export const POST = withApiKey(async ({ request, runtime, user }) => {
  const input = await readJson(request, body, 64 * 1024);
  const document = await createDocument(runtime.database.db, {
    ownerId: user.id,
    title: input.title,
    recipients: input.recipients,
    expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
  });
  return Response.json(document, { status: 201 });
});
