//! Rule reload: the `--rules` directories are polled for changed files (paths, sizes,
//! modification times); an edit that compiles replaces the rule set for the next request,
//! a broken one keeps the last good set and is reported on `/healthz` and in the log.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::state::State;
use crate::codeset::CodeSets;
use crate::rules::compile::{DiagnosticLevel, load};
use crate::rules::{RuleSet, load as files};

/// Diagnostics quoted in a failed reload's report.
const QUOTED: usize = 5;

/// Where the server's rules come from.
#[derive(Debug, Clone, Default)]
pub struct RuleSource {
    /// Load the built-in packs.
    pub builtin: bool,
    /// Rule directories on disk, watched for edits.
    pub dirs: Vec<PathBuf>,
}

impl RuleSource {
    /// Compile the rules: the set and its warnings, or the errors as text.
    pub fn compile(&self, codesets: &CodeSets) -> Result<(RuleSet, Vec<String>), String> {
        let mut all = if self.builtin {
            files::builtin_files()
        } else {
            Vec::new()
        };
        for d in &self.dirs {
            all.extend(files::dir_files(d).map_err(|e| e.to_string())?);
        }
        let (set, diags) = load(&all, &files::list_reader(self.builtin), codesets);
        let text = |level: DiagnosticLevel| -> Vec<String> {
            diags
                .iter()
                .filter(|d| d.level == level)
                .map(ToString::to_string)
                .collect()
        };
        match set {
            Some(set) => Ok((set, text(DiagnosticLevel::Warning))),
            None => {
                let errors = text(DiagnosticLevel::Error);
                let mut msg = format!("{} error(s) in rule files", errors.len());
                for e in errors.iter().take(QUOTED) {
                    msg.push('\n');
                    msg.push_str(e);
                }
                Err(msg)
            }
        }
    }
}

/// What the watched files look like: every file under the directories with its size and
/// modification time, sorted.
fn stamp(dirs: &[PathBuf]) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    for d in dirs {
        walk(d, &mut out);
    }
    out.sort();
    out
}

/// Add the files under `p` (or `p` itself) to `out`; unreadable entries are skipped (the
/// compile that follows reports them).
fn walk(p: &Path, out: &mut Vec<(PathBuf, u64, Option<SystemTime>)>) {
    let Ok(meta) = std::fs::metadata(p) else {
        out.push((p.to_path_buf(), 0, None));
        return;
    };
    if meta.is_file() {
        out.push((p.to_path_buf(), meta.len(), meta.modified().ok()));
        return;
    }
    if let Ok(entries) = std::fs::read_dir(p) {
        for e in entries.flatten() {
            walk(&e.path(), out);
        }
    }
}

/// Poll the rule directories every `every` and reload on change (nothing to do without
/// directories).
pub fn spawn(state: Arc<State>, every: Duration) {
    if state.source.dirs.is_empty() {
        return;
    }
    tokio::spawn(async move {
        let dirs = state.source.dirs.clone();
        let mut last = {
            let dirs = dirs.clone();
            tokio::task::spawn_blocking(move || stamp(&dirs))
                .await
                .unwrap_or_default()
        };
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let s = state.clone();
            let d = dirs.clone();
            let seen = last.clone();
            let done = tokio::task::spawn_blocking(move || {
                let now = stamp(&d);
                if now != seen {
                    reload(&s);
                }
                now
            })
            .await;
            if let Ok(now) = done {
                last = now;
            }
        }
    });
}

/// Compile the rules again and swap them in, or keep the current set and report why.
pub fn reload(state: &State) {
    let current = state.loaded().generation;
    match state.source.compile(&state.codesets) {
        Ok((rules, _)) if rules.rules.is_empty() => {
            let msg = "the edit leaves no rules loaded".to_string();
            eprintln!(
                "claimscrub serve: rules reload refused, keeping generation {current}: {msg}"
            );
            state.metrics.reload_failed();
            state.set_reload(|r| {
                r.failures += 1;
                r.error = Some(msg);
            });
        }
        Ok((rules, _)) => {
            let n = rules.rules.len();
            let generation = state.swap(rules);
            eprintln!("claimscrub serve: rules reloaded: generation {generation}, {n} rules");
            state.set_reload(|r| {
                r.reloads += 1;
                r.error = None;
            });
        }
        Err(msg) => {
            eprintln!("claimscrub serve: rules reload failed, keeping generation {current}: {msg}");
            state.metrics.reload_failed();
            state.set_reload(|r| {
                r.failures += 1;
                r.error = Some(msg);
            });
        }
    }
}
