import * as nestjs from '@webhook-outbox/nestjs';
import * as signature from '@webhook-outbox/signature';
import { describe, expect, it } from 'vitest';
import { docsPage } from './reference-page.js';

/** Every Error class a user can import from the public entries (and so catch with instanceof). */
const errorClasses = [...Object.entries(nestjs), ...Object.entries(signature)]
  .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
  .map(([name]) => name);
const page = docsPage('reference/errors.md');

describe('docs/reference/errors.md', () => {
  it('finds the error classes of the public entries', () => {
    expect(errorClasses.length).toBeGreaterThan(5);
  });

  it.each([...new Set(errorClasses)])('says when %s is thrown', (name) => {
    expect(page).toMatch(new RegExp(`^\\| \`${name}\``, 'm'));
  });
});
