//! SIGINT and SIGTERM stop `check` cleanly: the first sets a flag the claim loop polls, so
//! the run stops taking claims, closes its report (with the summary marked interrupted) and
//! exits 130 or 143; a second signal exits at once, for a run stuck on its way out.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;

static STOP: AtomicBool = AtomicBool::new(false);
static CAUGHT: AtomicUsize = AtomicUsize::new(0);

/// The signals that stop a run, with their names.
const SIGNALS: [(i32, &str); 2] = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")];

/// Catch SIGINT and SIGTERM from now on.
pub fn install() -> Result<()> {
    for (sig, name) in SIGNALS {
        // The shutdown goes first: it sees the flag the first signal set only on the second.
        flag::register_conditional_shutdown(sig, 128 + sig, &STOP)
            .and_then(|_| flag::register(sig, &STOP))
            .and_then(|_| flag::register_usize(sig, &CAUGHT, sig as usize))
            .with_context(|| format!("cannot catch {name}"))?;
    }
    Ok(())
}

/// Whether a stop signal arrived.
pub fn requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// The signal that stopped the run: its name and the exit status the shell gives it
/// (128 + its number).
pub fn caught() -> Option<(&'static str, u8)> {
    let sig = CAUGHT.load(Ordering::SeqCst);
    SIGNALS
        .iter()
        .find(|(s, _)| usize::try_from(*s).is_ok_and(|s| s == sig))
        .and_then(|&(s, name)| Some((name, u8::try_from(128 + s).ok()?)))
}
