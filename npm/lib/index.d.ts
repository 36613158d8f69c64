// Types of the consentc package's API (index.js). The report is the json format of
// `consentc check --format json` (docs/cli.md), field for field.

/** Policy sources: `{path: text}`, a Map, or `[path, text]` pairs; bytes are read as UTF-8. */
export type Files =
  | Record<string, string | Uint8Array>
  | Map<string, string | Uint8Array>
  | ReadonlyArray<readonly [string, string | Uint8Array]>;

export interface Span {
  /** Byte offsets into the file. */
  start: number;
  end: number;
}

export interface Label {
  message: string;
  primary: boolean;
  file: string;
  /** 1-based; columns count Unicode scalar values. */
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  span: Span;
}

export interface Diagnostic {
  /** A stable code such as `CP0201` (`explain(code)` describes it). */
  code: string;
  severity: 'error' | 'warning';
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  span: Span | null;
  labels: Label[];
  help: string | null;
}

export interface Report {
  version: 1;
  /** Sorted by file, then position. */
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
}

export type Format = 'human' | 'json' | 'sarif' | 'github';

export interface CheckOptions {
  /** Warning codes to silence (`--allow CODE`); an error code or unknown code throws. */
  allow?: string[];
  /** Warnings become errors (`--deny warnings`). */
  denyWarnings?: boolean;
}

export interface RenderOptions extends CheckOptions {
  /** Default `human`. */
  format?: Format;
  /** ANSI colours in the human format (default false). */
  color?: boolean;
}

export interface BuildOptions extends CheckOptions {
  /** Only these CMPs (`--cmp`); default: those each policy declares. */
  cmps?: string[];
  /** Where the output directory is served from (`--base`), default `/`. */
  base?: string;
}

export interface LoaderSize {
  path: string;
  raw: number;
  gzip: number;
}

export interface BuildResult {
  report: Report;
  /** Every generated file, `{"<policy>/<file>": contents}`, or null when the check has errors. */
  files: Record<string, string> | null;
  /** One entry per generated loader (empty when `files` is null). */
  loaders: LoaderSize[];
}

/** The package's version (the Rust crate's). */
export const version: string;

/** Checks the files as one compile set. Throws on bad options, never on bad policies. */
export function check(files: Files, options?: CheckOptions): Report;

/** The diagnostics exactly as `consentc check --format FORMAT` prints them. */
export function render(files: Files, options?: RenderOptions): string;

/** Checks and builds in memory; writes nothing. Throws on bad options. */
export function build(files: Files, options?: BuildOptions): BuildResult;

/** The canonical layout of one policy, comments kept. Throws `ConsentcError` if it does not parse. */
export function format(source: string, options?: { path?: string }): string;

/** The long explanation of a diagnostic code; throws for an unknown code. */
export function explain(code: string): string;

/** The catalogue as `consentc features [VENDOR]` lists it; throws for an unknown name. */
export function features(vendor?: string): string;

/** The commented starting policy `consentc init` writes. */
export function starterPolicy(): string;

export class ConsentcError extends Error {
  /** Why: the syntax error, in the json format. */
  report: Report;
}
