// The command line: the Rust one (consentc::cli, which parses the arguments and prints
// everything) run on Node's file system and streams (node-host.js). What is left here is what
// only JavaScript can do: turn a crash of the module into exit code 101, as the native binary's
// panic does.
import wasm from './wasm.js';
import { nodeHost } from './node-host.js';

/** Runs `consentc ARGS...`; returns the exit code (0, 1, 2, or 101 for a bug in consentc). */
export function main(args) {
  // A closed pipe (`npx consentc features | head`) ends the output, not the process with a trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  try {
    return wasm.runCli(args, nodeHost());
  } catch (e) {
    const panic = wasm.takePanic();
    const what = panic ? `panicked at ${panic}` : String(e && e.stack ? e.stack : e);
    process.stderr.write(`internal error: consentc ${what}\nthis is a bug in consentc; please report it\n`);
    return 101;
  }
}
