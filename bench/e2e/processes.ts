// Child processes of the benchmark: the service as production runs it (`node dist/main.js`) and the
// peers. Every child is killed when this process exits, whatever happens.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** `npm run build` (tsc into dist/) in the service's directory. */
export function buildService(dir: string): void {
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm run build failed in ${dir} (exit ${r.status})`);
}

export type Service = Awaited<ReturnType<typeof startService>>;

/** `node dist/main.js` in `dir` with `env`, ready when GET /readyz answers 200 (at most 60 s). */
export async function startService(o: { dir: string; env: Record<string, string>; port: number; nodeArgs?: string[] }) {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), 'dist/main.js'], {
    cwd: o.dir,
    env: o.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited during boot:\n${tail}`);
    const res = await fetch(`http://127.0.0.1:${o.port}/readyz`).catch(() => null);
    if (res?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`the service was not ready within 60 s:\n${tail}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid as number,
    port: o.port,
    tail: () => tail,
    /** SIGTERM (graceful: a --cpu-prof profile is written), SIGKILL after 20 s. */
    async stop(): Promise<void> {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A peer server (peer-server.ts) through tsx, ready when it says so. */
export async function startPeer(mode: 'sdk' | 'fastify-json' | 'fastify-xml') {
  const port = await freePort();
  const child = fork(fileURLToPath(new URL('./peer-server.ts', import.meta.url)), [mode, String(port)], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  children.add(child);
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`peer ${mode} exited with ${code}`)));
  });
  return {
    mode,
    port,
    pid: child.pid as number,
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))),
  };
}
