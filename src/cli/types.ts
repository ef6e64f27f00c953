import type { Readable, Writable } from 'node:stream';

/** What a CLI command may touch: streams and the environment, passed in so tests can drive it. */
export type CliIo = {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** The process itself, for a command that runs until a signal (`worker`); absent in tests of other commands. */
  process?: NodeJS.Process;
};

export type CliCommand = {
  name: string;
  /** One line for `genjin help`. */
  summary: string;
  /** Usage line(s) shown by `genjin help <command>` and on a usage error. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
};
