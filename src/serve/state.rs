//! What every request shares: the code sets, the current rule set (swapped whole on a
//! reload), the reload status and the metrics.

use std::sync::{Arc, Mutex, RwLock};

use super::Config;
use super::limits::Limits;
use super::metrics::Metrics;
use super::reload::RuleSource;
use crate::codeset::CodeSets;
use crate::engine::{Engine, ForcedPayer, Options};
use crate::rules::RuleSet;

/// One compiled rule set and its generation (1 at start, +1 for each reload that compiled).
pub struct Loaded {
    /// The rules.
    pub rules: Arc<RuleSet>,
    /// Which load this is.
    pub generation: u64,
}

/// The last reload that failed, reported on `/healthz` until a reload compiles.
#[derive(Debug, Clone, Default)]
pub struct ReloadStatus {
    /// The first diagnostics of the broken edit, as `file:line:column: message` lines.
    pub error: Option<String>,
    /// Reloads that compiled, and that did not.
    pub reloads: u64,
    /// Reloads refused because the edit did not compile.
    pub failures: u64,
}

/// The server's shared state.
pub struct State {
    /// The code sets, fixed for the server's life.
    pub codesets: Arc<CodeSets>,
    /// Where the rules come from.
    pub source: RuleSource,
    rules: RwLock<Arc<Loaded>>,
    /// The reload status.
    pub reload: Mutex<ReloadStatus>,
    /// Request and finding counters.
    pub metrics: Metrics,
    /// Request limits.
    pub limits: Limits,
}

impl State {
    /// Compile the configured rules; the error carries the diagnostics.
    pub fn start(config: &Config, codesets: Arc<CodeSets>) -> Result<Arc<State>, String> {
        let (rules, warnings) = config.rules.compile(&codesets)?;
        for w in warnings {
            eprintln!("{w}");
        }
        if rules.rules.is_empty() {
            return Err("no rules loaded, so nothing would be checked".into());
        }
        Ok(Arc::new(State {
            codesets,
            source: config.rules.clone(),
            rules: RwLock::new(Arc::new(Loaded {
                rules: Arc::new(rules),
                generation: 1,
            })),
            reload: Mutex::new(ReloadStatus::default()),
            metrics: Metrics::default(),
            limits: config.limits,
        }))
    }

    /// The current rule set.
    pub fn loaded(&self) -> Arc<Loaded> {
        match self.rules.read() {
            Ok(g) => g.clone(),
            Err(e) => e.into_inner().clone(),
        }
    }

    /// Replace the rule set with a newly compiled one; returns its generation.
    pub fn swap(&self, rules: RuleSet) -> u64 {
        let mut g = match self.rules.write() {
            Ok(g) => g,
            Err(e) => e.into_inner(),
        };
        let generation = g.generation + 1;
        *g = Arc::new(Loaded {
            rules: Arc::new(rules),
            generation,
        });
        self.metrics.set_generation(generation);
        generation
    }

    /// The reload status.
    pub fn reload_status(&self) -> ReloadStatus {
        match self.reload.lock() {
            Ok(g) => g.clone(),
            Err(e) => e.into_inner().clone(),
        }
    }

    /// Update the reload status.
    pub fn set_reload(&self, f: impl FnOnce(&mut ReloadStatus)) {
        match self.reload.lock() {
            Ok(mut g) => f(&mut g),
            Err(e) => f(&mut e.into_inner()),
        }
    }

    /// An engine over the current rules, as of today, scoped as `payer` when given.
    pub fn engine(&self, rules: &Loaded, payer: Option<ForcedPayer>) -> Engine {
        Engine::new(
            rules.rules.clone(),
            self.codesets.clone(),
            Options {
                as_of: jiff::Zoned::now().date(),
                payer,
                preview: false,
                per_line_notices: false,
                redact: false,
            },
        )
    }
}
