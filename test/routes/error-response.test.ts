// The one error mapper recognises errors by code, not class: in the built app an error thrown inside the runtime
// (built by instrumentation, its own bundle) is an instance of another copy of our classes than the route's. A
// second instance of the errors module (a query suffix makes the module loader evaluate it again) stands in for
// that other bundle.
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../src/app/_lib/error-response';
import { EnqueueError, ValidationError } from '../../src/jobs/errors';

async function otherBundlesErrors(): Promise<typeof import('../../src/jobs/errors')> {
  const load = (file: string) => import(/* @vite-ignore */ `${new URL(`../../src/jobs/errors/${file}`, import.meta.url).href}?bundle=instrumentation`);
  return { ...(await load('validation-error.ts')), ...(await load('enqueue-error.ts')) };
}

describe('errorResponse across bundles', () => {
  it('maps a ValidationError from another copy of the class to 400 with its issues', async () => {
    const copy = await otherBundlesErrors();
    const error = new copy.ValidationError('Invalid dispatch', [{ path: '0.data.documentId', message: 'Invalid UUID' }]);
    expect(error).not.toBeInstanceOf(ValidationError);
    const response = errorResponse(error);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Invalid request', issues: [{ path: '0.data.documentId', message: 'Invalid UUID' }] });
  });

  it('maps an EnqueueError from another copy to 503 and an unknown error to a logged 500 without details', async () => {
    const copy = await otherBundlesErrors();
    expect(new copy.EnqueueError('Redis', 1, null)).not.toBeInstanceOf(EnqueueError);
    expect(errorResponse(new copy.EnqueueError('Redis', 2, new Error('ECONNREFUSED'))).status).toBe(503);
    const logged: unknown[] = [];
    const response = errorResponse(new Error('secret detail'), (error) => logged.push(error));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret detail');
    expect(logged).toHaveLength(1);
  });

  it('answers a dispatch the store did not accept with what became of it, never the store’s address (logged instead)', async () => {
    const copy = await otherBundlesErrors();
    const logged: unknown[] = [];
    const response = errorResponse(new copy.EnqueueError('Redis', 1, new Error('connect ECONNREFUSED 10.0.0.7:6379')), (error) => logged.push(error));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'The job queue is unavailable; nothing was queued. Try again shortly.' });
    expect(logged).toHaveLength(1);
    expect((logged[0] as Error).message).toContain('10.0.0.7:6379');
  });
});
