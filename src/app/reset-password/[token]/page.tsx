import { PostJsonForm } from '@/app/_components/post-json-form';

export const runtime = 'nodejs';
export const metadata = { title: 'Reset your password', referrer: 'no-referrer' };

/** GET /reset-password/:token (the emailed link): a new-password form that POSTs /api/auth/reset-password. */
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <main>
      <h1>Choose a new password</h1>
      <PostJsonForm
        endpoint="/api/auth/reset-password"
        field={{ name: 'password', label: 'New password (10 characters or more)', type: 'password', required: true }}
        actions={[{ label: 'Set password', body: { token } }]}
      />
    </main>
  );
}
