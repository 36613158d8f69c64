// The command line's host on Node (consentc::host::Host, wasm/bindings/src/host.rs): the file
// and console operations the Rust command line asks for, done with Node's `fs` and `process` as
// the native binary does them with `std::fs` (src/host.rs, src/build/disk.rs, src/fmt.rs). The
// walk over directories, every message and every exit code stay in Rust; only these primitives
// are here.
//
// Where Node cannot do the same (docs/npm.md, "Differences"): there is no `flock`, so a build's
// staging directory has no lock file and another build treats it as abandoned only after a
// minute, as the native build does with a staging directory that has no lock file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Staging directories are `<out>/.consentc-XXXXXX` (src/build/disk.rs). */
const STAGING_PREFIX = '.consentc-';
const LOCK_FILE = '.lock';
/** A staging directory without a lock file is abandoned after this long (disk.rs's grace). */
const UNLOCKED_GRACE_MS = 60_000;
/** A lock file where locks cannot be tested counts as free after an hour (disk.rs, not unix). */
const LOCK_AGE_MS = 3_600_000;

// The C library's words for the errors a policy run meets, so messages read as the native
// binary's (`No such file or directory (os error 2)`); others keep Node's words, capitalised.
const STRERROR = {
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EINVAL: 'Invalid argument',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  EMFILE: 'Too many open files',
  ENAMETOOLONG: 'File name too long',
  ENOENT: 'No such file or directory',
  ENOSPC: 'No space left on device',
  ENOTDIR: 'Not a directory',
  ENOTEMPTY: 'Directory not empty',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  EXDEV: 'Invalid cross-device link',
};

/** A Node error as the host throws it to Rust: `{code, message, path?}`. */
function hostError(e, where) {
  const code = e && e.code;
  let message = String(e && e.message ? e.message : e);
  if (typeof code === 'string' && code in os.constants.errno) {
    // Node's message is `ENOENT: no such file or directory, open 'x'`; keep the middle.
    const words = STRERROR[code] || message.replace(/^[A-Z]+: /, '').replace(/, \w+ .*$/, '');
    const errno = os.constants.errno[code];
    message = process.platform === 'win32' ? words : `${words.charAt(0).toUpperCase()}${words.slice(1)} (os error ${errno})`;
  }
  return where === undefined ? { code, message } : { code, message, path: where };
}

/** Runs `fn`, throwing what it throws as a host error (about `where`, if given). */
function io(fn, where) {
  try {
    return fn();
  } catch (e) {
    throw hostError(e, where);
  }
}

function kindOf(stats) {
  if (stats.isSymbolicLink()) return 'link';
  if (stats.isDirectory()) return 'dir';
  if (stats.isFile()) return 'file';
  return 'other';
}

/** Byte-wise order of UTF-8 strings, as Rust sorts `String`s. */
export function byteOrder(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** `n` random letters and digits, as tempfile names its files. */
function randomName(n) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(crypto.randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
}

function ageMs(p) {
  try {
    return Date.now() - fs.statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * The staging directories in `out` no build is writing (disk.rs `abandoned_staging`), sorted:
 * a lock file an hour old, or no lock file and a minute old.
 */
function abandonedStaging(out) {
  let entries;
  try {
    entries = fs.readdirSync(out, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.name.startsWith(STAGING_PREFIX) && e.isDirectory())
    .map((e) => path.join(out, e.name))
    .filter((dir) => {
      const lock = path.join(dir, LOCK_FILE);
      return fs.existsSync(lock) ? ageMs(lock) > LOCK_AGE_MS : ageMs(dir) > UNLOCKED_GRACE_MS;
    })
    .sort(byteOrder);
}

/** Every file under `dir`, as `prefix/...` (disk.rs `list_files`: links are not followed). */
function listFiles(dir, prefix, found) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const relative = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) listFiles(path.join(dir, entry.name), relative, found);
    else found.push(relative);
  }
}

/** The first segment of a generated file's path: its policy's directory. */
function policyDirs(files) {
  const dirs = new Set();
  for (const [relative] of files) {
    const slash = relative.indexOf('/');
    if (slash > 0) dirs.add(relative.slice(0, slash));
  }
  return [...dirs].sort(byteOrder);
}

/**
 * Writes a build (disk.rs `write`): every policy directory in full into a staging directory in
 * `out`, then each renamed into place, the old one moved aside; the staging directory (with the
 * old ones) is removed at the end, or on failure, leaving the previous outputs as they were.
 */
function writeBuild(out, files) {
  io(() => fs.mkdirSync(out, { recursive: true }), out);
  for (const dir of abandonedStaging(out)) {
    // Best effort: what cannot be removed now is reported by `build --check` and tried again.
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Left for the next build, as natively.
    }
  }
  const staging = io(() => fs.mkdtempSync(path.join(out, STAGING_PREFIX)), out);
  try {
    for (const [relative, bytes] of files) {
      const file = path.join(staging, relative);
      io(() => fs.mkdirSync(path.dirname(file), { recursive: true }), path.dirname(file));
      io(() => fs.writeFileSync(file, bytes), file);
    }
    for (const dir of policyDirs(files)) {
      const target = path.join(out, dir);
      const old = path.join(staging, `.old-${dir}`);
      if (fs.existsSync(target)) io(() => fs.renameSync(target, old), target);
      io(() => fs.renameSync(path.join(staging, dir), target), target);
    }
  } finally {
    try {
      fs.rmSync(staging, { recursive: true, force: true });
    } catch {
      // As the native build: a staging directory left behind is removed by the next build.
    }
  }
}

/** How `out` differs from the build (disk.rs `stale`). */
function stale(out, files) {
  const result = { missing: [], changed: [], extra: [], leftover: [] };
  const wanted = new Set();
  for (const [relative, bytes] of files) {
    wanted.add(relative);
    let onDisk;
    try {
      onDisk = fs.readFileSync(path.join(out, relative));
    } catch {
      result.missing.push(relative);
      continue;
    }
    if (!onDisk.equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) result.changed.push(relative);
  }
  for (const dir of policyDirs(files)) {
    const found = [];
    listFiles(path.join(out, dir), dir, found);
    result.extra.push(...found.filter((f) => !wanted.has(f)));
  }
  result.extra.sort(byteOrder);
  result.leftover = abandonedStaging(out).map((p) => path.basename(p));
  return result;
}

/**
 * Replaces `file` with `text` atomically (src/fmt.rs `write_atomic`): a temporary file beside
 * the target (links followed), synced, given the original's permissions, renamed over it.
 */
function writeAtomic(file, text) {
  let target = file;
  try {
    target = fs.realpathSync(file);
  } catch {
    // As the native one: a path that cannot be resolved is written as given.
  }
  const dir = path.dirname(target) || '.';
  let tmp;
  let fd;
  for (let tries = 0; fd === undefined; tries++) {
    tmp = path.join(dir, `.consentc-fmt-${randomName(6)}`);
    try {
      fd = fs.openSync(tmp, 'wx', 0o600);
    } catch (e) {
      if (e.code !== 'EEXIST' || tries > 100) throw hostError(e);
    }
  }
  try {
    io(() => {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
      try {
        fs.fchmodSync(fd, fs.statSync(target).mode & 0o7777);
      } catch (e) {
        if (e.code !== 'ENOENT') throw e;
      }
    });
    fs.closeSync(fd);
    fd = undefined;
    io(() => fs.renameSync(tmp, target));
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Whether `stream` takes colour: a terminal, and `NO_COLOR` unset or empty. */
function color(stream) {
  const tty = stream === 1 ? process.stdout.isTTY : process.stderr.isTTY;
  return Boolean(tty) && !process.env.NO_COLOR;
}

/** The host object wasm/bindings/src/host.rs calls. */
export function nodeHost() {
  return {
    metadata: (p) => io(() => kindOf(fs.statSync(p))),
    readDir: (p) => io(() => fs.readdirSync(p, { withFileTypes: true }).map((e) => [e.name, kindOf(e)])),
    canonicalize: (p) => io(() => fs.realpathSync.native(p)),
    read: (p) => io(() => fs.readFileSync(p)),
    writeBuild,
    stale,
    writeAtomic,
    createDirAll: (p) => io(() => fs.mkdirSync(p, { recursive: true })),
    createNew: (p, bytes) => io(() => fs.writeFileSync(p, bytes, { flag: 'wx' })),
    print: (stream, text) => (stream === 1 ? process.stdout : process.stderr).write(text),
    color,
  };
}
