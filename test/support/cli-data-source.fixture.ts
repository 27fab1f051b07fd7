/** An application's data-source file, as `webhook-outbox --data-source` loads it: the database comes from CLI_FIXTURE_DB. */
import { DataSource } from 'typeorm';

export const dataSource = new DataSource(JSON.parse(process.env.CLI_FIXTURE_DB!));
