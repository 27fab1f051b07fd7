import { describe, expect, it } from 'vitest';
import { type OptionInterface, optionKeys } from './option-keys.js';
import { docsPage, documentedNames, pageSection } from './reference-page.js';

/** The heading of docs/reference/options.md under which each interface's keys are tabled. */
const SECTIONS: Record<string, OptionInterface[]> = {
  '### Top level': ['WebhookModuleOptions', 'WebhookModuleExtras'],
  '### `endpoints[]`': ['WebhookEndpointOptions'],
  '### `endpoints[].rateLimit`': ['WebhookRateLimit'],
  '### `eventTypes[]`': ['WebhookEventTypeDeclaration'],
  '### `relay`': ['WebhookRelayOptions'],
  '### `retry`': ['WebhookRetryOptions'],
  '### `delivery`': ['WebhookDeliveryOptions'],
  '### `retention`': ['WebhookRetentionOptions'],
  '### `capture`': ['WebhookCaptureOptions'],
  '### `encryption`': ['WebhookEncryptionOptions'],
  '### `receivers.<name>` and inline receivers': ['WebhookReceiverOptions', 'InlineWebhookReceiver'],
  '### `xmlLimits`': ['XmlPayloadLimits'],
  '### `WebhookAdminModule.register()`': ['WebhookAdminModuleOptions'],
  '### `ui`': ['WebhookAdminUiOptions'],
  '### `portalLinks`': ['WebhookPortalLinksOptions'],
  '### `isHealthy()`': ['WebhookHealthOptions'],
};

const page = docsPage('reference/options.md');
const keys = optionKeys();

describe('docs/reference/options.md', () => {
  for (const [heading, interfaces] of Object.entries(SECTIONS)) {
    const expected = [...new Set(interfaces.flatMap((name) => keys[name]))].sort();

    it(`documents every key of ${interfaces.join(' and ')} under "${heading}"`, () => {
      const section = pageSection(page, heading);
      expect(section, `the page has no heading "${heading}"`).toBeDefined();
      const documented = documentedNames(section ?? '');
      expect(expected.filter((key) => !documented.has(key))).toEqual([]);
    });

    it(`documents no key under "${heading}" that ${interfaces.join(' or ')} does not have`, () => {
      const documented = [...documentedNames(pageSection(page, heading) ?? '')];
      expect(documented.filter((key) => !expected.includes(key))).toEqual([]);
    });
  }
});
