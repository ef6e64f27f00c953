import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/run-cli.js';

/** Runs `genjin <args>` in-process, as the CLI would, and captures its exit code and output. */
export async function runCliCapturing(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: '', err: '' };
  stdout.on('data', (c: Buffer) => (chunks.out += c.toString()));
  stderr.on('data', (c: Buffer) => (chunks.err += c.toString()));
  const code = await runCli(args, { stdin: new PassThrough(), stdout, stderr, env });
  return { code, ...chunks };
}
