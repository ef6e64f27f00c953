#!/usr/bin/env node
// Entry point of the `genjin` command line; like main.ts, a composition root that may read process.env.
import { runCli } from './cli/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  process,
});
