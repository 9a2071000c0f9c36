// Guards /api/jobs/run: the raw body must carry a valid X-Job-Signature (HMAC-SHA256 with JOBS_SIGNING_SECRET,
// 5-minute window, constant-time). The handler receives the verified raw body.
import { UnauthorizedError, UnavailableError } from '@/domain/errors';
import { SIGNATURE_HEADER, verifyJobRequest } from '@/jobs/providers/local/signature';
import { getRuntime, type Runtime } from '@/runtime';
import { errorResponse } from './error-response';
import { readBody } from './read-body';

export function withJobSignature(handler: (context: { body: string; runtime: Runtime }) => Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    let runtime: Runtime | undefined;
    try {
      runtime = await getRuntime();
      const secret = runtime.config.jobs.signingSecret;
      if (!secret) throw new UnavailableError('JOBS_SIGNING_SECRET is not set; /api/jobs/run is disabled');
      const body = await readBody(request, 64 * 1024);
      const check = verifyJobRequest(secret, request.headers.get(SIGNATURE_HEADER), body);
      if (!check.ok) throw new UnauthorizedError(`Invalid ${SIGNATURE_HEADER}: ${check.reason}`);
      return await handler({ body, runtime });
    } catch (error) {
      return errorResponse(error, (e) => runtime?.logger.error({ err: e }, '/api/jobs/run failed'));
    }
  };
}
