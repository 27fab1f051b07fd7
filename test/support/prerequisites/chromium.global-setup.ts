import { accessSync, constants } from 'node:fs';
import { MissingPrerequisiteError } from './missing-prerequisite.error.js';

/**
 * The browser project drives Debian's Chromium through playwright-core (which downloads no browser of its own), at
 * the path the dashboard spec launches: CHROMIUM_PATH or /usr/bin/chromium.
 */
export default function checkChromium(): void {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new MissingPrerequisiteError(
      `The browser suite needs Chromium at ${path}, and there is none.`,
      'Install it:  apt-get install -y chromium   (or set CHROMIUM_PATH to a Chromium binary)',
    );
  }
}
