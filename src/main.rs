//! The `consentc` binary: the command line (`consentc::cli`) on this machine's file system and
//! streams. Exit codes: 0 clean, 1 policy errors, 2 usage or I/O error, 101 internal error (a
//! panic: Rust's default panic exit code).

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(consentc::cli::run(std::env::args_os(), &mut consentc::host::Native))
}
