// Every API route module of the app, by its Next.js path pattern, for startRouteServer.
import * as signup from '../../src/app/api/auth/signup/route';
import * as verify from '../../src/app/api/auth/verify/route';
import * as forgotPassword from '../../src/app/api/auth/forgot-password/route';
import * as resetPassword from '../../src/app/api/auth/reset-password/route';
import * as signin from '../../src/app/api/auth/signin/route';
import * as keys from '../../src/app/api/keys/route';
import * as key from '../../src/app/api/keys/[id]/route';
import * as documents from '../../src/app/api/documents/route';
import * as document from '../../src/app/api/documents/[id]/route';
import * as sendDocument from '../../src/app/api/documents/[id]/send/route';
import * as sign from '../../src/app/api/sign/[token]/route';
import * as webhooks from '../../src/app/api/webhooks/route';
import * as webhook from '../../src/app/api/webhooks/[id]/route';
import * as deliveries from '../../src/app/api/webhooks/[id]/deliveries/route';
import * as cronCleanup from '../../src/app/api/cron/cleanup/route';
import type { RouteModule } from './route-server';

// Each module's handlers are typed with their own segment names ({ id }, { token }); the server hands every
// handler the params its pattern names, which TypeScript cannot see through the map, hence the cast.
export const apiRoutes = {
  '/api/auth/signup': signup,
  '/api/auth/verify': verify,
  '/api/auth/forgot-password': forgotPassword,
  '/api/auth/reset-password': resetPassword,
  '/api/auth/signin': signin,
  '/api/keys': keys,
  '/api/keys/[id]': key,
  '/api/documents': documents,
  '/api/documents/[id]': document,
  '/api/documents/[id]/send': sendDocument,
  '/api/sign/[token]': sign,
  '/api/webhooks': webhooks,
  '/api/webhooks/[id]': webhook,
  '/api/webhooks/[id]/deliveries': deliveries,
  '/api/cron/cleanup': cronCleanup,
} as unknown as Record<string, RouteModule>;
