/**
 * Something a test project needs before its first test (a database server, Chromium, a test stack) is missing.
 * Thrown by the project's globalSetup, so the run stops once with the command that fixes it, not with a stack
 * trace per test.
 */
export class MissingPrerequisiteError extends Error {
  constructor(problem: string, fix: string) {
    super(`${problem}\n\n  ${fix}\n`);
    this.name = 'MissingPrerequisiteError';
    // The frames would point into this check, not at the cause: the message alone is the useful part.
    this.stack = `${this.name}: ${this.message}`;
  }
}
