//! `claimscrub serve`: the HTTP API and the page, over the rules and code sets the flags name.

use std::time::Duration;

use anyhow::Result;

use claimscrub::serve::{self, Config, Limits, RuleSource};

use crate::args::ServeArgs;
use crate::setup;

pub fn run(a: ServeArgs) -> Result<u8> {
    let codesets = setup::codesets(a.sources.codesets.as_deref())?;
    let config = Config {
        addr: a.addr,
        rules: RuleSource {
            builtin: !a.sources.no_default_rules,
            dirs: a.sources.rules.clone(),
        },
        limits: Limits {
            body_bytes: a.max_body,
            timeout: Duration::from_secs(a.timeout.max(1)),
            ..Limits::default()
        },
        reload_every: Duration::from_millis(a.reload_every_ms),
    };
    serve::serve(config, codesets)?;
    Ok(0)
}
