//! The ICD-10-CM tabular XML: recognized by its root element, parsed with
//! [`crate::codeset::tabular`], and imported either as the codes themselves (no order file) or
//! as the notes and 7th characters laid over the order files' codes.

use std::path::{Path, PathBuf};

use super::BuildOptions;
use super::common::{name_of, read_text};
use super::order::{fiscal_from, history};
use super::year_among;
use crate::codeset::CodesetError;
use crate::codeset::compile::{Interval, SetSource};
use crate::codeset::lookup::key;
use crate::codeset::tabular::{self, Tabular};

/// A tabular XML file, read.
pub(super) struct TabularFile {
    pub(super) path: PathBuf,
    /// First day of the release (fiscal year from the name, else `<version>`); 0 if neither
    /// says.
    from: u32,
    tab: Tabular,
}

/// Does the `.xml` file `path` have the root `<ICD10CM.tabular>`?
pub(super) fn is_tabular_xml(path: &Path) -> Result<bool, CodesetError> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .map_err(|source| CodesetError::Io {
            path: path.display().to_string(),
            source,
        })?;
    Ok(tabular::sniff(&String::from_utf8_lossy(&head)))
}

/// Parse every tabular XML, oldest release first.
pub(super) fn read_tabulars(
    files: &[(Option<i16>, PathBuf)],
    opts: &BuildOptions,
) -> Result<Vec<TabularFile>, CodesetError> {
    let mut out = Vec::new();
    for (year, path) in files {
        let text = read_text(path)?;
        let tab = tabular::parse(path, &text)?;
        let year = year.or_else(|| tab.version.as_deref().and_then(year_among));
        let from = year.map_or(0, |y| fiscal_from(y, files.len(), opts));
        out.push(TabularFile {
            path: path.clone(),
            from,
            tab,
        });
    }
    out.sort_by(|a, b| (a.from, &a.path).cmp(&(b.from, &b.path)));
    Ok(out)
}

/// ICD-10-CM codes from tabular XML files alone (no order file): every `<diag>`, billable when
/// it has no child `<diag>`, with 7th characters expanded (see [`tabular`]). Titles are the
/// `<desc>` (the XML has no short titles). A file whose name and `<version>` carry no year
/// needs `--effective` when it is the only one.
pub(super) fn import_tabular_codes(
    files: &[TabularFile],
    opts: &BuildOptions,
) -> Result<SetSource, CodesetError> {
    let mut snapshots = Vec::new();
    for f in files {
        let from = match (f.from, opts.effective, files.len()) {
            (0, Some(d), 1) => key(d),
            (0, _, _) => {
                return Err(CodesetError::NoEffectiveDate {
                    path: f.path.display().to_string(),
                });
            }
            (from, _, _) => from,
        };
        let codes = f
            .tab
            .expand()
            .into_iter()
            .map(|(code, e)| {
                (
                    code,
                    Interval {
                        from,
                        to: 0,
                        billable: e.billable,
                        short: e.title.clone(),
                        long: e.title,
                        status: String::new(),
                    },
                )
            })
            .collect();
        snapshots.push((from, codes));
    }
    let names: Vec<String> = files.iter().map(|f| name_of(&f.path)).collect();
    Ok(history("icd10cm", snapshots, &names))
}

/// Tabular notes and 7th characters from the newest tabular file into `set` (notes are not
/// dated: the newest release speaks); `more` names the files for the `source` meta.
pub(super) fn add_tabular_notes(set: &mut SetSource, files: &[TabularFile], more: &[String]) {
    if let Some(newest) = files.last() {
        set.notes.clone_from(&newest.tab.notes);
        set.seventh.clone_from(&newest.tab.seventh);
    }
    if more.is_empty() {
        return;
    }
    for (k, v) in &mut set.meta {
        if k == "source" || k == "release" {
            for n in more {
                v.push_str(", ");
                v.push_str(n);
            }
        }
    }
}
