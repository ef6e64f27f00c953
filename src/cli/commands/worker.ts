import { hostname } from 'node:os';
import { loadConfig } from '../../config.js';
import { createDb } from '../../db/client.js';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../logger.js';
import { startWorker } from '../../worker/run-worker.js';
import { describeDatabaseFailure } from '../database-failure.js';
import type { CliCommand } from '../types.js';

const USAGE = 'genjin worker   (uses DATABASE_URL and the platform settings, like the service; stops on SIGTERM or SIGINT)';

/**
 * The work behind the webhooks, without the webhooks: runs the stored inbound events, delivers the
 * outbox and runs the scheduled jobs, until SIGTERM/SIGINT (it then finishes the rows in hand).
 * `npm start` forks one itself; run it on its own beside web processes started with
 * `GENJIN_WORKER=off`, to scale the two apart. Any number may run: rows are claimed with leases.
 * Forked by the web process, it exits as soon as that process is gone (the web process forks a
 * new one when it restarts, and the rows it held run again when their leases run out).
 */
export const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'worker: run stored events, the outbox and the scheduled jobs, without serving webhooks',
  usage: USAGE,
  async run(args, io) {
    if (args.length > 0) {
      io.stderr.write(`genjin worker: unknown option "${args[0]}"\nusage: ${USAGE}\n`);
      return 2;
    }
    const proc = io.process;
    if (!proc) {
      io.stderr.write('genjin worker: runs only as a process of its own\n');
      return 2;
    }
    const config = loadConfig(io.env);
    const log = createLogger({ level: config.logLevel, destination: io.stdout }).child({ process: 'worker' });
    const database = createDb(config.databaseUrl, config.databasePoolSize);
    let worker: Awaited<ReturnType<typeof startWorker>>;
    try {
      worker = await startWorker(config, { log, database, clock: systemClock, owner: `${hostname()}:${proc.pid}`, linkedTo: proc });
    } catch (err) {
      await database.close().catch(() => undefined);
      io.stderr.write(`genjin worker: ${describeDatabaseFailure(err, 'could not start')}\n`);
      return 1;
    }
    const signal = await new Promise<string>((resolve) => {
      proc.once('SIGTERM', () => resolve('SIGTERM'));
      proc.once('SIGINT', () => resolve('SIGINT'));
      // The web process that forked this one is gone (crashed or killed): stop at once, like it.
      proc.once('disconnect', () => resolve('disconnect'));
    });
    if (signal === 'disconnect') {
      log.error('the web process is gone; exiting (the rows in hand run again when their leases run out)');
      proc.exit(1);
    }
    log.info({ signal }, 'genjin worker stopping');
    await worker.stop();
    await database.close();
    // An open IPC channel keeps the process alive: let it go, so the process exits now.
    if (proc.connected) proc.disconnect();
    return 0;
  },
};
