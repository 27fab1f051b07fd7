import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const source = (path: string) => fileURLToPath(new URL(`../../packages/nestjs/src/${path}`, import.meta.url));

/** Where each options interface the reference documents is declared. */
export const OPTION_INTERFACES = {
  WebhookModuleOptions: 'options/webhook-module.options.ts',
  WebhookModuleExtras: 'options/webhook-module.options.ts',
  WebhookRelayOptions: 'options/webhook-module.options.ts',
  WebhookRetryOptions: 'options/webhook-retry.options.ts',
  WebhookDeliveryOptions: 'options/webhook-module.options.ts',
  WebhookEncryptionOptions: 'options/webhook-module.options.ts',
  WebhookRetentionOptions: 'options/webhook-module.options.ts',
  WebhookCaptureOptions: 'options/webhook-module.options.ts',
  WebhookEventTypeDeclaration: 'options/webhook-module.options.ts',
  WebhookEndpointOptions: 'options/webhook-endpoint.options.ts',
  WebhookRateLimit: 'options/webhook-endpoint.options.ts',
  WebhookReceiverOptions: 'options/webhook-receiver.options.ts',
  InlineWebhookReceiver: 'options/webhook-receiver.options.ts',
  XmlPayloadLimits: 'receive/xml-markup.budget.ts',
  WebhookAdminModuleOptions: 'admin/webhook-admin.options.ts',
  WebhookAdminUiOptions: 'admin/webhook-admin.options.ts',
  WebhookPortalLinksOptions: 'admin/portal-links.options.ts',
  WebhookHealthOptions: 'health/webhook-health.indicator.ts',
} as const;

export type OptionInterface = keyof typeof OPTION_INTERFACES;

/**
 * The property names of each options interface, read by the TypeScript compiler from the source (inherited ones
 * included), so an option added to the code is one the test knows of without being told.
 */
export function optionKeys(): Record<OptionInterface, string[]> {
  const files = [...new Set(Object.values(OPTION_INTERFACES))].map(source);
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    experimentalDecorators: true,
  });
  const checker = program.getTypeChecker();
  const keys = {} as Record<OptionInterface, string[]>;
  for (const [name, path] of Object.entries(OPTION_INTERFACES) as [OptionInterface, string][]) {
    const file = program.getSourceFile(source(path));
    const declaration = file?.statements.find(
      (statement): statement is ts.InterfaceDeclaration =>
        ts.isInterfaceDeclaration(statement) && statement.name.text === name,
    );
    if (!declaration) throw new Error(`No interface ${name} in packages/nestjs/src/${path}.`);
    keys[name] = checker
      .getTypeAtLocation(declaration)
      .getProperties()
      .map((property) => property.getName());
  }
  return keys;
}
