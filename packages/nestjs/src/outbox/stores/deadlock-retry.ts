/** How often a relay transaction is tried when it keeps losing deadlocks. */
const DEADLOCK_ATTEMPTS = 3;

/**
 * Runs `transaction` again when the database chose it as a deadlock's victim (it was rolled back whole, so running
 * it again is what it would have done), up to `DEADLOCK_ATTEMPTS` times in all.
 */
export async function retryingDeadlocks<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (attempt >= DEADLOCK_ATTEMPTS || !isDeadlock(error)) throw error;
    }
  }
}

/** Whether `error` is the database rolling back a deadlock's victim: MySQL/MariaDB 1213, PostgreSQL 40P01. */
function isDeadlock(error: unknown): boolean {
  const { code, errno, driverError } = (error ?? {}) as {
    code?: unknown;
    errno?: unknown;
    driverError?: { code?: unknown; errno?: unknown };
  };
  return (
    errno === 1213 ||
    driverError?.errno === 1213 ||
    code === 'ER_LOCK_DEADLOCK' ||
    code === '40P01' ||
    driverError?.code === '40P01'
  );
}
