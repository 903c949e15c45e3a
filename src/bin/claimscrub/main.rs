//! The `claimscrub` command line. Exit codes: 0 clean, 1 findings at or above `--fail-on`,
//! 2 usage, configuration or input error.

/// `eprintln!` that cannot panic: a message to a closed stderr (a pipe whose reader left)
/// is dropped, where `eprintln!` would panic and exit 101.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod args;
mod check;
mod codes;
mod explain;
mod generate;
mod interrupt;
mod output;
mod packs;
mod quick;
mod rules_cmd;
#[cfg(feature = "serve")]
mod serve;
mod setup;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

/// A panic inside the fst crate is a compiled code-set file with malformed nodes, which the
/// loader catches and then names as corrupt: one line is printed for it, not a backtrace.
/// Every other panic keeps the default report.
fn short_fst_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.location().is_some_and(|l| l.file().contains("/fst-")) {
            say!("claimscrub: a compiled code-set file has malformed fst nodes");
        } else {
            default(info);
        }
    }));
}

/// Claims are built from many small strings (codes, locations) and dropped a chunk at a time;
/// mimalloc's thread-local free lists handle that pattern far better than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    short_fst_panics();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Codes(a) => codes::run_codes(a),
        Command::Codesets(a) => codes::run_codesets(a),
        Command::Rules(a) => rules_cmd::run(a),
        Command::Explain(a) => explain::run(a),
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve::run(a),
        Command::Gen(a) => generate::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if output::is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            say!("claimscrub: error: {}", chain(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes as [`claimscrub::setup::chain`] says them.
fn chain(e: &anyhow::Error) -> String {
    claimscrub::setup::chain(e.as_ref())
}
