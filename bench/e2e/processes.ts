// Child processes of the benchmark: the service as production runs it (`node dist/main.js`) and the
// peers. Every child is killed when this process exits, whatever happens.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/helpers/ports-and-waits.js';

export { freePort };

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** `npm run build` (tsc into dist/) in the service's directory. */
export function buildService(dir: string): void {
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm run build failed in ${dir} (exit ${r.status})`);
}

export type Service = Awaited<ReturnType<typeof startService>>;

/**
 * How the service runs: `node dist/main.js` with `env` added (npm start's shape: GENJIN_WORKER picks
 * whether it forks its worker process or runs the work inline), or web and worker as two processes
 * started here.
 */
export type ServiceShape =
  | { kind: 'one'; env: Record<string, string> }
  | {
      kind: 'split';
      /** Added to the web process's environment to switch its processing off. */
      webEnv: Record<string, string>;
      /** The worker's command line after `node`, e.g. ['dist/cli.js', 'worker']. */
      workerArgs: string[];
    };

function spawnNode(label: string, dir: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8').replace(/^/gm, `[${label}] `)).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited, tail: () => tail, alive: () => child.exitCode === null && child.signalCode === null };
}

/**
 * The service in `dir` with `env`: `node dist/main.js` (one process), or for `split` the web process
 * (`dist/main.js` with `webEnv`) and the worker process. Ready when GET /readyz answers 200 (at most
 * 60 s) and, for `split`, the worker is still running 3 s later. `pids` are the processes started
 * here; the CPU and memory of their children and threads are counted through /proc (proc-stats.ts).
 */
export async function startService(o: {
  dir: string;
  env: Record<string, string>;
  port: number;
  nodeArgs?: string[];
  shape?: ServiceShape;
}) {
  const shape = o.shape ?? { kind: 'one', env: {} };
  const nodeArgs = o.nodeArgs ?? [];
  const procs = [
    spawnNode('web', o.dir, [...nodeArgs, 'dist/main.js'], { ...o.env, ...(shape.kind === 'split' ? shape.webEnv : shape.env) }),
  ];
  if (shape.kind === 'split') procs.push(spawnNode('worker', o.dir, [...nodeArgs, ...shape.workerArgs], o.env));
  const tail = () => procs.map((p) => p.tail()).join('\n');
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (procs.some((p) => !p.alive())) throw new Error(`the service exited during boot:\n${tail()}`);
    const res = await fetch(`http://127.0.0.1:${o.port}/readyz`).catch(() => null);
    if (res?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`the service was not ready within 60 s:\n${tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (shape.kind === 'split') {
    await new Promise((r) => setTimeout(r, 3000));
    if (procs.some((p) => !p.alive())) throw new Error(`a service process exited during boot:\n${tail()}`);
  }
  return {
    pids: procs.map((p) => p.child.pid as number),
    port: o.port,
    tail,
    /** SIGTERM to every process (graceful: a --cpu-prof profile is written), SIGKILL after 20 s. */
    async stop(): Promise<void> {
      await Promise.all(
        procs.map(async (p) => {
          if (!p.alive()) return;
          p.child.kill('SIGTERM');
          const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
          await p.exited;
          clearTimeout(timer);
        }),
      );
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
    pids: [child.pid as number],
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))),
  };
}
