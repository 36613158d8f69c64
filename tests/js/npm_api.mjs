// Drives the installed npm package's API for tests/npm_package.rs: for each compile set in the
// JSON file given (`[{name, files: {path: text}}]`), prints the json report of `check`, the
// human rendering of `render`, the files of `build` and the result of `format` on the set's first
// file (null when it throws ConsentcError), as one JSON array.
//
// Run from the project the package is installed in: `consentc` is resolved from there, through
// the package's `exports`, as a project's own import would be.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(path.join(process.cwd(), 'package.json'));
const consentc = await import(pathToFileURL(require.resolve('consentc')));

const sets = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const results = sets.map(({ files }) => {
  let formatted;
  try {
    formatted = consentc.format(Object.values(files)[0], { path: Object.keys(files)[0] });
  } catch (e) {
    if (!(e instanceof consentc.ConsentcError) || e.report.diagnostics[0]?.code !== 'CP0001') throw e;
    formatted = null;
  }
  return {
    report: consentc.check(files),
    human: consentc.render(files),
    files: consentc.build(files).files,
    format: formatted,
  };
});
process.stdout.write(JSON.stringify(results));
