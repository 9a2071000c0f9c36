import { PostJsonForm } from '@/app/_components/post-json-form';

export const runtime = 'nodejs';
export const metadata = { title: 'Confirm your email', referrer: 'no-referrer' };

/** GET /verify-email/:token (the emailed link): a button that POSTs /api/auth/verify. */
export default async function VerifyEmailPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <main>
      <h1>Confirm your email address</h1>
      <PostJsonForm endpoint="/api/auth/verify" actions={[{ label: 'Confirm', body: { token } }]} />
    </main>
  );
}
