import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    testServerUrl: string;
    testRunId: string;
  }
}

/**
 * Each test file that needs the database gets a fresh one on the real server at
 * TEST_DATABASE_URL (see helpers/db.ts), named after this run. At the end every database of the
 * run is dropped, including those of files that crashed before their own cleanup.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = (process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  // Fail the run early, with a hint, when no server answers.
  const probe = await mysql.createConnection({ uri: `${server}/`, connectTimeout: 5000 }).catch((err: Error) => {
    throw new Error(`tests need MySQL/MariaDB at ${server} (set TEST_DATABASE_URL): ${err.message}`);
  });
  await probe.end();
  project.provide('testServerUrl', server);
  project.provide('testRunId', runId);
  return async () => {
    const connection = await mysql.createConnection({ uri: `${server}/` });
    const [rows] = await connection.query<mysql.RowDataPacket[]>('SHOW DATABASES LIKE ?', [`genjin_test_${runId}%`]);
    for (const row of rows) await connection.query(`DROP DATABASE IF EXISTS \`${String(Object.values(row)[0])}\``);
    await connection.end();
  };
}
