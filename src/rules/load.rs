//! Finding rule files: the built-in packs embedded in the binary, or directories on disk.
//! Rule files are `*.yaml` except `*.test.yaml`; `pack.yaml` describes its directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{Dir, include_dir};

use super::compile::RuleFile;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// The directory name built-in rule paths are reported under.
pub const BUILTIN_ROOT: &str = "rules";

/// Failure to list or read a rules directory.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read rules from `{path}`: {source}")]
    /// A rules directory or file that cannot be read.
    Io {
        /// The path as given.
        path: String,
        #[source]
        /// Why it cannot be read.
        source: std::io::Error,
    },
}

fn is_rule_file(name: &str) -> bool {
    (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.contains(".test.")
}

/// Built-in rule and pack files, sorted by path.
pub fn builtin_files() -> Vec<RuleFile> {
    let mut out = Vec::new();
    collect_builtin(&BUILTIN, &mut out, is_rule_file);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Built-in rule test files (`*.test.yaml`), sorted by path.
pub fn builtin_tests() -> Vec<RuleFile> {
    let mut out = Vec::new();
    collect_builtin(&BUILTIN, &mut out, |n| n.ends_with(".test.yaml"));
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn collect_builtin(
    dir: &Dir<'static>,
    out: &mut Vec<RuleFile>,
    keep: impl Fn(&str) -> bool + Copy,
) {
    for f in dir.files() {
        let rel = f.path().to_string_lossy().replace('\\', "/");
        let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
        if keep(&name)
            && let Some(text) = f.contents_utf8()
        {
            out.push(RuleFile {
                path: Arc::from(format!("{BUILTIN_ROOT}/{rel}")),
                text: text.to_string(),
            });
        }
    }
    for d in dir.dirs() {
        collect_builtin(d, out, keep);
    }
}

/// Read a file the built-in packs carry (a code list), by its reported path.
pub fn builtin_text(path: &str) -> Option<String> {
    let rel = path.strip_prefix(&format!("{BUILTIN_ROOT}/"))?;
    BUILTIN.get_file(rel)?.contents_utf8().map(str::to_string)
}

/// The test file beside a rule file (`<rule>.test.yaml`), built in or on disk: its path and
/// text, the rule's worked examples.
pub fn examples_of(rule_file: &str) -> Option<(String, String)> {
    let path = rule_file.replace(".yaml", ".test.yaml");
    let text = builtin_text(&path).or_else(|| std::fs::read_to_string(&path).ok())?;
    Some((path, text))
}

/// Rule and pack files under a directory on disk, sorted by path.
pub fn dir_files(root: &Path) -> Result<Vec<RuleFile>, LoadError> {
    walk(root, &|n| is_rule_file(n))
}

/// Rule test files under a directory on disk, sorted by path.
pub fn dir_tests(root: &Path) -> Result<Vec<RuleFile>, LoadError> {
    walk(root, &|n| n.ends_with(".test.yaml"))
}

fn walk(root: &Path, keep: &dyn Fn(&str) -> bool) -> Result<Vec<RuleFile>, LoadError> {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| LoadError::Io { path, source }
    };
    if root.is_file() {
        paths.push(root.to_path_buf());
    } else {
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).map_err(io(&dir))? {
                let e = e.map_err(io(&dir))?;
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.file_name().and_then(|n| n.to_str()).is_some_and(keep) {
                    paths.push(p);
                }
            }
        }
    }
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).map_err(io(&p))?;
        out.push(RuleFile {
            path: Arc::from(p.to_string_lossy().replace('\\', "/")),
            text,
        });
    }
    Ok(out)
}

/// Read a code-list file by the path a built-in rule resolved it to: built-in first, then
/// disk, so the embedded packs never depend on the working directory.
pub fn read_list(path: &str) -> Option<String> {
    builtin_text(path).or_else(|| std::fs::read_to_string(path).ok())
}

/// Read a code-list file for rules loaded from disk: disk first, so a pack kept under a
/// `rules/` folder of its own reads its own lists, never the built-in file of the same path.
pub fn read_list_disk_first(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .or_else(|| builtin_text(path))
}

/// The list reader for a set of rule files: built-in first when the built-in packs are
/// among them, disk first when every rule came from disk.
pub fn list_reader(with_builtin: bool) -> fn(&str) -> Option<String> {
    if with_builtin {
        read_list
    } else {
        read_list_disk_first
    }
}

/// Read a claim file a rule test names: disk first (the file being edited), then built-in.
pub fn read_bytes(path: &str) -> Option<Vec<u8>> {
    std::fs::read(path).ok().or_else(|| {
        let rel = path.strip_prefix(&format!("{BUILTIN_ROOT}/"))?;
        Some(BUILTIN.get_file(rel)?.contents().to_vec())
    })
}

/// Files of a fixture directory a rule test names, by file name: from disk when the
/// directory is there (the fixture being edited), else built-in.
pub fn fixture_files(dir: &str) -> Vec<(String, Vec<u8>)> {
    if !Path::new(dir).is_dir()
        && let Some(d) = dir
            .strip_prefix(&format!("{BUILTIN_ROOT}/"))
            .and_then(|r| BUILTIN.get_dir(r))
    {
        let mut v: Vec<(String, Vec<u8>)> = d
            .files()
            .filter_map(|f| {
                Some((
                    f.path().file_name()?.to_str()?.to_string(),
                    f.contents().to_vec(),
                ))
            })
            .collect();
        v.sort();
        return v;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| {
            Some((
                e.file_name().to_str()?.to_string(),
                std::fs::read(e.path()).ok()?,
            ))
        })
        .collect();
    v.sort();
    v
}
