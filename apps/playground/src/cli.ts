#!/usr/bin/env node
import { reportCliError, runCli } from './run-cli.js';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportCliError(error, process.stderr)),
);
