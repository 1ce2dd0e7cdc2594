#!/usr/bin/env node
import { reportCliError, runCli } from './run-cli.js';

// `x-playground … | head` closes the pipe early: stop quietly instead of an EPIPE stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportCliError(error, process.stderr)),
);
