// Persists a report as bench/results/<ISO time>.md and .json. Each file is written as .tmp and renamed, so an
// interrupted run never leaves half a report (*.tmp is git-ignored).
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMarkdown, type BenchReport } from './report';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Returns the two paths written, relative to the working directory. */
export async function writeResults(report: BenchReport): Promise<string[]> {
  await mkdir(RESULTS_DIR, { recursive: true });
  // ISO 8601 with ':' swapped for '-' (awkward in file names on some systems), to the second.
  const stamp = report.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const base = path.join(RESULTS_DIR, `${stamp}${report.options.quick ? '-quick' : ''}`);
  const files: Array<[string, string]> = [
    [`${base}.md`, renderMarkdown(report)],
    [`${base}.json`, `${JSON.stringify(report, null, 2)}\n`],
  ];
  for (const [file, content] of files) {
    await writeFile(`${file}.tmp`, content);
    await rename(`${file}.tmp`, file);
  }
  return files.map(([file]) => path.relative(process.cwd(), file));
}
