import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * One fresh database per test run on the real server at TEST_DATABASE_URL, migrated once and
 * dropped at the end. Test files share it and stay apart by creating their own workspace rows.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = (process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
  const name = `genjin_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = `${server}/${name}`;
  await migrateDatabase(databaseUrl);
  project.provide('databaseUrl', databaseUrl);
  return async () => {
    const connection = await mysql.createConnection({ uri: `${server}/` });
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await connection.end();
  };
}
