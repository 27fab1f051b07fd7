/**
 * The `webhook_portal_link` table's statements, the same text on every dialect, with `:name` parameters. Times are
 * epoch ms from the module's clock, never the database's, so every instance and test agrees on "now".
 */
export function portalLinkStatements(table: string) {
  return {
    insert: `INSERT INTO ${table} (id, tenant, created_at, expires_at, used_at, revoked_at)
             VALUES (:id, :tenant, :now, :expiresAt, NULL, NULL)`,
    // Conditional: of two instances exchanging the same link at once, exactly one changes the row.
    use: `UPDATE ${table} SET used_at = :now
          WHERE id = :id AND used_at IS NULL AND revoked_at IS NULL AND expires_at > :now`,
    // A primary-key read: why an exchange failed, and whether a session's link still stands.
    state: `SELECT used_at, revoked_at, expires_at FROM ${table} WHERE id = :id`,
    revoke: `UPDATE ${table} SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL`,
    revokeTenant: `UPDATE ${table} SET revoked_at = :now WHERE tenant = :tenant AND revoked_at IS NULL`,
    // Links whose sessions have all expired too: nothing can be done with them any more (by the expires_at index).
    prune: `DELETE FROM ${table} WHERE expires_at < :before`,
  };
}

export type PortalLinkStatements = ReturnType<typeof portalLinkStatements>;
