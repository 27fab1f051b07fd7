import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { SqliteHandle } from '../../compat/typeorm-compat.js';
import { sqliteWriteLock } from './sqlite-write.lock.js';

// better-sqlite3 ships no types; the library reaches it through the compat file's SqliteHandle too.
const Database = createRequire(import.meta.url)('better-sqlite3') as new (
  file: string,
) => SqliteHandle & { exec(sql: string): void };

describe('sqliteWriteLock', () => {
  it("runs the transaction in the turn that began it: the application's code never sees it open", async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (n INTEGER)');
    const sql = (text: string) => db.prepare(text);
    // The application's code, interleaved as microtasks: TypeORM would begin its own transaction in any of them.
    let sawOpen = 0;
    const application = (async () => {
      for (let turn = 0; turn < 100; turn++) {
        if (db.inTransaction) sawOpen++;
        await null;
      }
    })();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        sqliteWriteLock(db, sql, () => {
          sql('INSERT INTO t (n) VALUES (?)').run(n);
          sql('COMMIT').run();
          return n;
        }),
      ),
    );
    await application;
    expect(results).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(sawOpen).toBe(0);
    expect(db.prepare('SELECT count(*) AS count FROM t').all()).toEqual([{ count: 20 }]);
  });
});
