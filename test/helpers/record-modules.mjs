// Preloaded with `node --import` into a process under test: records every module it loads (ES
// modules through a loader hook, CommonJS ones from require.cache) and writes the list, one
// file URL or path a line, to $RECORD_MODULES_DIR/<pid>.txt when the process receives SIGWINCH (a signal
// the service leaves alone; close-with-grace stops it on SIGUSR2).
import { writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';

const dir = process.env.RECORD_MODULES_DIR;
if (dir) {
  const seen = new Set();
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (url) => seen.add(url));
  port1.unref();
  register('./record-modules-hooks.mjs', { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });
  const require = createRequire(import.meta.url);
  process.on('SIGWINCH', () => {
    writeFileSync(join(dir, `${process.pid}.txt`), [...seen, ...Object.keys(require.cache)].join('\n'));
  });
}
