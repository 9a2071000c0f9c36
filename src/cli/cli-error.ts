// What `npm run jobs` exits with: scripts branch on these, so each outcome has its own code.
export const EXIT = { ok: 0, failure: 1, usage: 2, notFound: 3, wrongState: 4 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An expected failure: its message is shown as is (no stack), and the process exits with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** A stable word for --json output: "not-found", "not-failed", "usage"… */
    readonly code: string,
  ) {
    super(message);
  }
}
