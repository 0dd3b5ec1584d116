#!/usr/bin/env node
import { run } from './program.js';

// `ably-chat-auth inspect ... | head` closes the pipe early: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

void run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then((code) => {
  // Let pending writes to piped stdout/stderr drain instead of calling process.exit().
  process.exitCode = code;
});
