/** Metadata key under which `@WebhookExclude` lists the excluded properties on the entity class. */
export const WEBHOOK_EXCLUDE_METADATA = 'webhook-outbox:webhook-exclude';

/**
 * Keeps a column out of every webhook of its entity: it is dropped from `data`, `changes` and what `when` and
 * `payload` see, so it never reaches the outbox table, a log or a request. For secrets and personal data.
 *
 * @example
 * \@WebhookExclude()
 * \@Column()
 * passwordHash!: string;
 */
export function WebhookExclude(): PropertyDecorator {
  return (prototype, property) => {
    const target = prototype.constructor;
    const excluded = (Reflect.getOwnMetadata(WEBHOOK_EXCLUDE_METADATA, target) as string[] | undefined) ?? [];
    Reflect.defineMetadata(WEBHOOK_EXCLUDE_METADATA, [...excluded, String(property)], target);
  };
}
