import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMillis } from '../epoch-millis.transformer.js';

/**
 * One portal link minted by `WebhookPortal.createLink()`: whom it opens the portal for, until when it can be
 * exchanged, when it was (its one use), and whether it was revoked. The sessions opened with it check this row on
 * every request, so revoking the link ends them.
 */
@Entity({ name: 'webhook_portal_link' })
@Index('IDX_webhook_portal_link_tenant', ['tenant'])
@Index('IDX_webhook_portal_link_expires_at', ['expiresAt'])
export class WebhookPortalLinkEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 191 })
  tenant!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  /** Until when the link can be exchanged for a session (epoch ms). */
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMillis })
  expiresAt!: number;

  /** When it was exchanged for a session; `null` while unused. */
  @Column({ name: 'used_at', type: 'bigint', nullable: true, transformer: epochMillis })
  usedAt!: number | null;

  /** When it (and the sessions opened with it) was revoked; `null` while valid. */
  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMillis })
  revokedAt!: number | null;
}
