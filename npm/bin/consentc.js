#!/usr/bin/env node
// `npx consentc ...`: the consentc command line (the same Rust code as the native binary,
// compiled to WebAssembly) on this machine's files, through Node.
import { main } from '../lib/cli.js';

process.exitCode = main(process.argv.slice(2));
