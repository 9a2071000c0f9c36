// Every job definition of the app. Adding a job: a file here, a line below.
import type { JobDefinition } from '../define';
import { auditCleanup } from './audit-cleanup';
import type { JobDeps } from './deps';
import { expireRecipientsSweep } from './expire-recipients-sweep';

export type { JobDeps };

export function appDefinitions(deps: JobDeps): JobDefinition<never>[] {
  return [expireRecipientsSweep(deps), auditCleanup(deps)] as JobDefinition<never>[];
}
