//! Importers of the official files a user downloads (CMS order files, the ICD-10-CM tabular
//! XML, the HCPCS `ANWEB` record layout, NCCI PTP, MUE, add-on edits, the user's CPT list) and
//! of the plain `codesets/<system>/*.tsv` layout, compiled by [`build_dir`].
//!
//! Files are recognized by name (a tabular XML also by its root element); a malformed row is an
//! error naming the file and 1-based line; files that are recognized by nothing are listed in
//! [`BuildReport::skipped`]. This module recognizes files and dispatches; each format's
//! importer is its own file.

mod addon;
mod common;
mod cpt;
mod hcpcs;
mod mue;
mod order;
mod ptp;
mod tabular_xml;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use self::common::name_of;
use self::tabular_xml::{add_tabular_notes, import_tabular_codes, is_tabular_xml, read_tabulars};
use super::CodesetError;
use super::compile::{self, EditSource, SetSource, write_edits, write_set};
use super::tables::EditKind;

/// Choices for [`build_dir_with`].
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Effective date for files whose name carries none (MUE, CPT, order files, a tabular XML
    /// without a year in its name or `<version>`).
    pub effective: Option<Date>,
}

/// One compiled file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BuiltFile {
    /// System or table name (`icd10cm`, `ptp`, …).
    pub name: String,
    /// The compiled file.
    pub path: String,
    /// Validity rows (code sets) or edit rows (tables).
    pub rows: usize,
    /// Its size in bytes.
    pub bytes: u64,
    /// The source files it was built from.
    pub sources: Vec<String>,
}

/// What [`build_dir`] built.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct BuildReport {
    /// Every compiled file, in build order.
    pub built: Vec<BuiltFile>,
    /// Files in the source directory that no importer recognized.
    pub skipped: Vec<String>,
}

impl fmt::Display for BuildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.built {
            writeln!(
                f,
                "{:<9} {:>9} rows {:>11} bytes  {}  (from {})",
                b.name,
                b.rows,
                b.bytes,
                b.path,
                b.sources.join(", ")
            )?;
        }
        for s in &self.skipped {
            writeln!(f, "skipped   {s} (not a recognized code-set file)")?;
        }
        Ok(())
    }
}

/// Compile every recognized file in `from` into `out` (created if needed).
pub fn build_dir(from: &Path, out: &Path) -> Result<BuildReport, CodesetError> {
    build_dir_with(from, out, &BuildOptions::default())
}

/// What a file name says a file is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Order {
        system: &'static str,
        year: i16,
    },
    /// The ICD-10-CM tabular XML; the year is the fiscal year its name carries, if any.
    Tabular {
        year: Option<i16>,
    },
    Hcpcs,
    Ptp {
        setting: String,
    },
    Mue {
        setting: String,
    },
    AddOn,
    Cpt,
}

/// A year (2000–2099) among the runs of digits in `n` (`icd10c-tabular-April-1-2026.xml`).
fn year_among(n: &str) -> Option<i16> {
    n.split(|c: char| !c.is_ascii_digit())
        .filter_map(|d| d.parse::<i16>().ok())
        .find(|y| (2000..2100).contains(y))
}

fn classify(name: &str) -> Option<Kind> {
    let n = name.to_ascii_lowercase();
    if n.ends_with(".xml") && n.contains("tabular") {
        return Some(Kind::Tabular {
            year: year_among(&n),
        });
    }
    if !(n.ends_with(".txt") || n.ends_with(".csv") || n.ends_with(".tsv")) {
        return None;
    }
    let year = |n: &str| -> Option<i16> {
        let digits: String = n
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok().filter(|y| (2000..2100).contains(y))
    };
    for (prefix, system) in [("icd10cm_order", "icd10cm"), ("icd10pcs_order", "icd10pcs")] {
        if n.starts_with(prefix) {
            return Some(Kind::Order {
                system,
                year: year(n.get(prefix.len()..)?)?,
            });
        }
    }
    if n.starts_with("hcpc") && n.contains("anweb") {
        return Some(Kind::Hcpcs);
    }
    if let Some(rest) = n.strip_prefix("cci") {
        let setting = rest.get(..3).unwrap_or("").to_string();
        return Some(Kind::Ptp { setting });
    }
    if n.contains("mue") {
        let setting = ["practitioner", "outpatient", "dme"]
            .into_iter()
            .find(|s| n.contains(s))
            .unwrap_or("")
            .to_string();
        return Some(Kind::Mue { setting });
    }
    if n.contains("aoc") || n.contains("addon") || n.contains("add-on") || n.contains("add_on") {
        return Some(Kind::AddOn);
    }
    if n.contains("cpt") {
        return Some(Kind::Cpt);
    }
    None
}

/// Compile every recognized file in `from` into `out`, with options.
pub fn build_dir_with(
    from: &Path,
    out: &Path,
    opts: &BuildOptions,
) -> Result<BuildReport, CodesetError> {
    let io = |p: &Path| {
        let p = p.display().to_string();
        move |source| CodesetError::Io { path: p, source }
    };
    let mut report = BuildReport::default();
    let mut sets: Vec<(SetSource, Vec<String>)> = compile::read_source_dir(from)?
        .into_iter()
        .map(|s| {
            let dir = compile::SOURCE_DIRS
                .iter()
                .find(|(_, _, sys)| *sys == s.kind)
                .map_or("", |(d, _, _)| d);
            (s, vec![from.join(dir).display().to_string()])
        })
        .collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(from)
        .map_err(io(from))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io(from))?;
    files.retain(|p| p.is_file());
    files.sort();

    let mut orders: BTreeMap<&'static str, Vec<(i16, PathBuf)>> = BTreeMap::new();
    let mut ptp: Vec<(String, PathBuf)> = Vec::new();
    let mut mue: Vec<(String, PathBuf)> = Vec::new();
    let mut addon: Vec<PathBuf> = Vec::new();
    let mut tabulars: Vec<(Option<i16>, PathBuf)> = Vec::new();
    for f in files {
        let name = name_of(&f);
        let kind = match classify(&name) {
            None if name.to_ascii_lowercase().ends_with(".xml") && is_tabular_xml(&f)? => {
                Some(Kind::Tabular { year: None })
            }
            k => k,
        };
        match kind {
            Some(Kind::Order { system, year }) => orders.entry(system).or_default().push((year, f)),
            Some(Kind::Tabular { year }) => tabulars.push((year, f)),
            Some(Kind::Hcpcs) => {
                let (h, m) = hcpcs::import_hcpcs(&f)?;
                for s in [h, m] {
                    if !s.codes.is_empty() {
                        sets.push((s, vec![f.display().to_string()]));
                    }
                }
            }
            Some(Kind::Ptp { setting }) => ptp.push((setting, f)),
            Some(Kind::Mue { setting }) => mue.push((setting, f)),
            Some(Kind::AddOn) => addon.push(f),
            Some(Kind::Cpt) => {
                let s = cpt::import_cpt(&f, opts)?;
                sets.push((s, vec![f.display().to_string()]));
            }
            None => report.skipped.push(f.display().to_string()),
        }
    }
    let tabulars = read_tabulars(&tabulars, opts)?;
    let tab_paths: Vec<String> = tabulars
        .iter()
        .map(|t| t.path.display().to_string())
        .collect();
    let tab_names: Vec<String> = tabulars.iter().map(|t| name_of(&t.path)).collect();
    if !tabulars.is_empty() && !orders.contains_key("icd10cm") {
        let mut set = import_tabular_codes(&tabulars, opts)?;
        add_tabular_notes(&mut set, &tabulars, &[]);
        sets.push((set, tab_paths.clone()));
    }
    for (system, mut list) in orders {
        list.sort();
        let mut names: Vec<String> = list.iter().map(|(_, p)| p.display().to_string()).collect();
        let mut set = order::import_orders(system, &list, opts)?;
        if system == "icd10cm" && !tabulars.is_empty() {
            add_tabular_notes(&mut set, &tabulars, &tab_names);
            names.extend(tab_paths.iter().cloned());
        }
        sets.push((set, names));
    }
    let mut tables: Vec<(EditSource, Vec<String>)> = Vec::new();
    for (list, kind) in [(&ptp, EditKind::Ptp), (&mue, EditKind::Mue)] {
        if let Some(((s0, p0), rest)) = list.split_first() {
            if let Some((_, p1)) = rest.iter().find(|(s, _)| s != s0) {
                return Err(CodesetError::MixedSettings {
                    first: p0.display().to_string(),
                    second: p1.display().to_string(),
                });
            }
            let paths: Vec<&Path> = list.iter().map(|(_, p)| p.as_path()).collect();
            let t = match kind {
                EditKind::Ptp => ptp::import_ptp(&paths)?,
                _ => mue::import_mue(&paths, opts)?,
            };
            tables.push((t, paths.iter().map(|p| p.display().to_string()).collect()));
        }
    }
    if !addon.is_empty() {
        let paths: Vec<&Path> = addon.iter().map(PathBuf::as_path).collect();
        tables.push((
            addon::import_addon(&paths)?,
            paths.iter().map(|p| p.display().to_string()).collect(),
        ));
    }

    std::fs::create_dir_all(out).map_err(io(out))?;
    let mut write =
        |name: &str, rows: usize, sources: Vec<String>, bytes: Result<Vec<u8>, String>| {
            let path = out.join(format!("{name}.{}", compile::EXTENSION));
            let bytes = bytes.map_err(|message| CodesetError::Write {
                path: path.display().to_string(),
                message,
            })?;
            std::fs::write(&path, &bytes).map_err(io(&path))?;
            report.built.push(BuiltFile {
                name: name.to_string(),
                path: path.display().to_string(),
                rows,
                bytes: bytes.len() as u64,
                sources,
            });
            Ok::<(), CodesetError>(())
        };
    for (s, sources) in sets {
        write(&s.kind, s.rows(), sources, write_set(&s))?;
    }
    for (t, sources) in tables {
        write(&t.kind, t.rows(), sources, write_edits(&t))?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_official_names() {
        assert_eq!(
            classify("icd10cm_order_2026.txt"),
            Some(Kind::Order {
                system: "icd10cm",
                year: 2026
            })
        );
        assert_eq!(classify("HCPC2026_APR_ANWEB_v2.txt"), Some(Kind::Hcpcs));
        for (name, year) in [
            ("icd10cm_tabular_2026.xml", Some(2026)),
            ("icd10cm-tabular-2027.xml", Some(2027)),
            ("icd10c-tabular-April-1-2026.xml", Some(2026)),
            ("Tabular.XML", None),
        ] {
            assert_eq!(classify(name), Some(Kind::Tabular { year }), "{name}");
        }
        assert_eq!(classify("icd10cm_tabular_2026.pdf"), None);
        assert_eq!(
            classify("ccipra-v321r0-f1.txt"),
            Some(Kind::Ptp {
                setting: "pra".into()
            })
        );
        assert_eq!(
            classify("MCR_MUE_PractitionerServices_Eff_2026-04-01.csv"),
            Some(Kind::Mue {
                setting: "practitioner".into()
            })
        );
        assert_eq!(classify("README.md"), None);
    }
}
