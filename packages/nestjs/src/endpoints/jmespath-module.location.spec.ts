import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jmespathModuleLocation } from './jmespath-module.location.js';

describe('jmespathModuleLocation', () => {
  it("finds JMESPath from the application's main script when the working directory is elsewhere", () => {
    const main = join(process.cwd(), 'sample-app', 'dist', 'main.js');
    expect(jmespathModuleLocation(tmpdir(), main, null)).toMatch(/@jmespath-community[\\/]jmespath[\\/].+\.c?js$/);
  });

  it('names the places it looked and the fix when it is nowhere to be found', () => {
    const nowhere = join(tmpdir(), 'no-app-here');
    expect(() => jmespathModuleLocation(nowhere, join(nowhere, 'main.js'), null)).toThrow(
      /cannot be found from .*no-app-here or .*no-app-here\. Install it beside the application/,
    );
  });
});
