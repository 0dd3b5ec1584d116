#!/usr/bin/env node
import { run } from './program.js';
import { stdinChunks, stdioTarget } from './stdio.js';

const stdout = stdioTarget(1);
const stderr = stdioTarget(2);

void run(process.argv.slice(2), { stdout, stderr, stdin: stdinChunks(), env: process.env })
  .then((code) => {
    // Let pending writes to piped stdout/stderr drain instead of calling process.exit().
    process.exitCode = code;
  })
  .finally(() => {
    stdout.flush();
    stderr.flush();
  });
