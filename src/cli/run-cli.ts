import { isAppError } from '../lib/errors.js';
import { commands } from './commands/index.js';
import type { CliCommand, CliIo } from './types.js';

const helpCommand: CliCommand = {
  name: 'help',
  summary: 'list the commands, or show how to use one',
  usage: 'genjin help [command]',
  async run(args, io) {
    const wanted = args[0] ? all().find((c) => c.name === args[0]) : undefined;
    if (wanted) {
      io.stdout.write(`${wanted.summary}\n\nusage: ${wanted.usage}\n`);
      return 0;
    }
    const width = Math.max(...all().map((c) => c.name.length));
    io.stdout.write(
      'genjin: the follow-up bot for Feishu/Lark and WeCom\n\nusage: npm run genjin -- <command> [options]\n\ncommands:\n' +
        all()
          .map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
          .join('\n') +
        '\n',
    );
    return args[0] ? 2 : 0;
  },
};

function all(): CliCommand[] {
  return [...commands, helpCommand];
}

/** Dispatches `genjin <command> …`; returns the exit code instead of exiting, for tests. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') return helpCommand.run([], io);
  const command = all().find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`genjin: unknown command "${name}". Run "npm run genjin -- help" for the list.\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    // Expected failures already say how to fix them; anything else is a bug worth a stack.
    io.stderr.write(
      isAppError(err) ? `genjin ${name}: ${err.message}\n` : `genjin ${name} failed: ${(err as Error).stack ?? String(err)}\n`,
    );
    return 1;
  }
}
