// Installed versions for system names, so a report never claims a version that is not the one measured.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function packageVersion(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}
