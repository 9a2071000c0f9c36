'use client';
// The only client-side code of the app: the pages behind emailed links POST JSON to the API from a button, so
// opening a link (or a mail scanner prefetching it) never acts on its own.
import { useState } from 'react';

export interface PostJsonFormProps {
  endpoint: string;
  /** One optional text input whose value is sent under `field.name`. */
  field?: { name: string; label: string; type: 'text' | 'password'; required?: boolean };
  actions: Array<{ label: string; body: Record<string, string> }>;
}

export function PostJsonForm({ endpoint, field, actions }: PostJsonFormProps) {
  const [value, setValue] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(body: Record<string, string>) {
    setBusy(true);
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(field && value ? { ...body, [field.name]: value } : body),
      });
      const answer = (await response.json().catch(() => ({}))) as { error?: string; issues?: Array<{ message: string }> };
      setMessage(response.ok ? 'Done. You can close this page.' : [answer.error, ...(answer.issues ?? []).map((i) => i.message)].filter(Boolean).join(': '));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => event.preventDefault()}>
      {field && (
        <p>
          <label>
            {field.label}{' '}
            <input name={field.name} type={field.type} value={value} required={field.required} onChange={(event) => setValue(event.target.value)} />
          </label>
        </p>
      )}
      <p className="actions">
        {actions.map((action) => (
          <button key={action.label} type="button" disabled={busy || message !== null} onClick={() => void submit(action.body)}>
            {action.label}
          </button>
        ))}
      </p>
      {message && <p role="status">{message}</p>}
    </form>
  );
}
