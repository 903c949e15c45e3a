//! Importers of the official files a user downloads (CMS order files, the ICD-10-CM tabular
//! XML, the HCPCS `ANWEB` record layout, NCCI PTP, MUE, add-on edits, the user's CPT list) and
//! of the plain `codesets/<system>/*.tsv` layout, compiled by [`build_dir`].
//!
//! Files are recognized by name (a tabular XML also by its root element); a malformed row is an
//! error naming the file and 1-based line; files that are recognized by nothing are listed in
//! [`BuildReport::skipped`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use jiff::ToSpan;
use jiff::civil::Date;

use super::CodesetError;
use super::compile::{
    self, EditSource, Interval, SetSource, is_code, parse_ymd8, write_edits, write_set,
};
use super::lookup::{date_of, key};
use super::tables::EditKind;
use super::tabular::{self, Tabular};

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
    pub path: String,
    /// Validity rows (code sets) or edit rows (tables).
    pub rows: usize,
    pub bytes: u64,
    /// The source files it was built from.
    pub sources: Vec<String>,
}

/// What [`build_dir`] built.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct BuildReport {
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

fn read_text(path: &Path) -> Result<String, CodesetError> {
    let bytes = std::fs::read(path).map_err(|source| CodesetError::Io {
        path: path.display().to_string(),
        source,
    })?;
    // CMS files are ASCII or Windows-1252; a stray byte must not stop the import.
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|b| *b as char).collect(),
    })
}

fn err(path: &Path, line: usize, message: impl Into<String>) -> CodesetError {
    CodesetError::Source {
        path: path.display().to_string(),
        line,
        message: message.into(),
    }
}

fn day_before(d: u32) -> u32 {
    date_of(d)
        .and_then(|d| d.checked_sub(1.day()).ok())
        .map_or(d, key)
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
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
                let (h, m) = import_hcpcs(&f)?;
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
                let s = import_cpt(&f, opts)?;
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
        let mut set = import_orders(system, &list, opts)?;
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
                EditKind::Ptp => import_ptp(&paths)?,
                _ => import_mue(&paths, opts)?,
            };
            tables.push((t, paths.iter().map(|p| p.display().to_string()).collect()));
        }
    }
    if !addon.is_empty() {
        let paths: Vec<&Path> = addon.iter().map(PathBuf::as_path).collect();
        tables.push((
            import_addon(&paths)?,
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

fn meta(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn iso(d: u32) -> String {
    date_of(d).map(|d| d.to_string()).unwrap_or_default()
}

/// The codes of one release: its first day and each code's interval (open-ended).
type Snapshot = (u32, BTreeMap<String, Interval>);

/// First day of fiscal year `year` (Y-1-10-01), or `opts.effective` when it is the only file.
fn fiscal_from(year: i16, files: usize, opts: &BuildOptions) -> u32 {
    match (opts.effective, files) {
        (Some(d), 1) => key(d),
        _ => compile::ymd(u32::try_from(year - 1).unwrap_or(0), 10, 1).unwrap_or(0),
    }
}

/// ICD-10-CM / PCS order files (`icd10cm_order_2026.txt`), one per fiscal year: order number
/// (5), blank, code (7), blank, header/billable flag, blank, short title (60), blank, long title.
/// Fiscal year Y runs from Y-1-10-01; a code's intervals follow the years it appears in.
pub(crate) fn import_orders(
    system: &'static str,
    files: &[(i16, PathBuf)],
    opts: &BuildOptions,
) -> Result<SetSource, CodesetError> {
    let mut snapshots: Vec<Snapshot> = Vec::new();
    for (year, path) in files {
        let from = fiscal_from(*year, files.len(), opts);
        let text = read_text(path)?;
        let mut codes = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let field = |a: usize, b: usize| line.get(a..b.min(line.len())).unwrap_or("").trim();
            let order = field(0, 5);
            let code = field(6, 13);
            if !order.bytes().all(|c| c.is_ascii_digit()) || order.is_empty() {
                return Err(err(
                    path,
                    i + 1,
                    format!("columns 1-5 must be an order number, found `{order}`"),
                ));
            }
            if !is_code(code) {
                return Err(err(
                    path,
                    i + 1,
                    format!("columns 7-13 must be a code, found `{code}`"),
                ));
            }
            let billable = match field(14, 15) {
                "1" => true,
                "0" => false,
                f => {
                    return Err(err(
                        path,
                        i + 1,
                        format!("column 15 must be 0 (header) or 1 (billable), found `{f}`"),
                    ));
                }
            };
            codes.insert(
                code.to_string(),
                Interval {
                    from,
                    to: 0,
                    billable,
                    short: field(16, 76).to_string(),
                    long: line.get(77..).unwrap_or("").trim().to_string(),
                    status: String::new(),
                },
            );
        }
        snapshots.push((from, codes));
    }
    let names: Vec<String> = files.iter().map(|(_, p)| name_of(p)).collect();
    Ok(history(system, snapshots, &names))
}

/// A set from releases: each code's intervals follow the releases it appears in (a release
/// runs until the day before the next one), merged where nothing changed.
fn history(system: &str, mut snapshots: Vec<Snapshot>, names: &[String]) -> SetSource {
    snapshots.sort_by_key(|(from, _)| *from);
    let mut set = SetSource::new(system);
    let n = snapshots.len();
    for i in 0..n {
        let Some((from, codes)) = snapshots.get(i) else {
            continue;
        };
        let to = snapshots
            .get(i + 1)
            .map_or(0, |(next, _)| day_before(*next));
        for (code, iv) in codes {
            let ivs = &mut set.codes.entry(code.clone()).or_default().intervals;
            match ivs.last_mut() {
                Some(last)
                    if last.to != 0
                        && day_before(*from) == last.to
                        && (last.billable, &last.short, &last.long)
                            == (iv.billable, &iv.short, &iv.long) =>
                {
                    last.to = to;
                }
                _ => ivs.push(Interval { to, ..iv.clone() }),
            }
        }
    }
    let last = snapshots.last().map_or(0, |(from, _)| *from);
    let through = date_of(last)
        .and_then(|d| d.checked_add(1.year()).ok())
        .and_then(|d| d.checked_sub(1.day()).ok())
        .map_or(String::new(), |d| d.to_string());
    set.meta = meta(&[
        ("release", names.join(", ")),
        ("source", names.join(", ")),
        (
            "credit",
            if system == "icd10cm" {
                "Source: CDC/NCHS"
            } else {
                "Source: CMS"
            }
            .to_string(),
        ),
        ("coverage_from", iso(snapshots.first().map_or(0, |s| s.0))),
        ("coverage_through", through),
    ]);
    set
}

/// A tabular XML file, read.
struct TabularFile {
    path: PathBuf,
    /// First day of the release (fiscal year from the name, else `<version>`); 0 if neither
    /// says.
    from: u32,
    tab: Tabular,
}

/// Does the `.xml` file `path` have the root `<ICD10CM.tabular>`?
fn is_tabular_xml(path: &Path) -> Result<bool, CodesetError> {
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
fn read_tabulars(
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
fn import_tabular_codes(
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
fn add_tabular_notes(set: &mut SetSource, files: &[TabularFile], more: &[String]) {
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

/// The HCPCS `ANWEB` record layout (320 characters; positions are 1-based, inclusive), as
/// CMS's `HCPCyyyy_recordlayout.txt` gives it: fields 27–29 are the code added date,
/// action effective date and termination date (YYYYMMDD).
mod anweb {
    pub const CODE: (usize, usize) = (1, 5);
    pub const MODIFIER: (usize, usize) = (4, 5);
    pub const RECORD_ID: (usize, usize) = (11, 11);
    pub const LONG: (usize, usize) = (12, 91);
    pub const SHORT: (usize, usize) = (92, 119);
    pub const ADD_DATE: (usize, usize) = (269, 276);
    pub const EFFECTIVE_DATE: (usize, usize) = (277, 284);
    pub const TERMINATION_DATE: (usize, usize) = (285, 292);
}

/// An `HCPC20YY_…_ANWEB` file: procedure records (3 first line, 4 continuation of the long
/// description) become HCPCS codes, modifier records (7, 8) become modifiers. Validity runs from
/// the add date (else the action effective date) to the termination date.
pub(crate) fn import_hcpcs(path: &Path) -> Result<(SetSource, SetSource), CodesetError> {
    let text = read_text(path)?;
    let mut hcpcs = SetSource::new("hcpcs");
    let mut mods = SetSource::new("modifier");
    let mut last: Option<(bool, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let field =
            |(a, b): (usize, usize)| line.get(a - 1..b.min(line.len())).unwrap_or("").trim();
        let date = |(a, b): (usize, usize), what: &str| -> Result<u32, CodesetError> {
            let v = field((a, b));
            if v.is_empty() {
                return Ok(0);
            }
            parse_ymd8(v).ok_or_else(|| {
                err(
                    path,
                    i + 1,
                    format!("{what} (columns {a}-{b}) must be YYYYMMDD, found `{v}`"),
                )
            })
        };
        let rec = field(anweb::RECORD_ID);
        let is_mod = matches!(rec, "7" | "8");
        let code = if is_mod {
            field(anweb::MODIFIER)
        } else {
            field(anweb::CODE)
        };
        if !is_code(code) {
            return Err(err(
                path,
                i + 1,
                format!("columns 1-5 must be a code, found `{code}`"),
            ));
        }
        let set = if is_mod { &mut mods } else { &mut hcpcs };
        match rec {
            "3" | "7" => {
                let add = date(anweb::ADD_DATE, "add date")?;
                let eff = date(anweb::EFFECTIVE_DATE, "action effective date")?;
                let term = date(anweb::TERMINATION_DATE, "termination date")?;
                let from = if add != 0 { add } else { eff };
                if term != 0 && from > term {
                    return Err(err(path, i + 1, "termination date is before the add date"));
                }
                let e = set.codes.entry(code.to_string()).or_default();
                e.intervals.push(Interval {
                    from,
                    to: term,
                    billable: true,
                    short: field(anweb::SHORT).to_string(),
                    long: field(anweb::LONG).to_string(),
                    status: String::new(),
                });
                e.intervals.sort_by_key(|iv| iv.from);
                last = Some((is_mod, code.to_string()));
            }
            "4" | "8" => {
                let iv = match &last {
                    Some((m, c)) if *m == is_mod && c == code => {
                        set.codes.get_mut(code).and_then(|e| e.intervals.last_mut())
                    }
                    _ => None,
                };
                let Some(iv) = iv else {
                    return Err(err(
                        path,
                        i + 1,
                        format!("continuation of `{code}` without its first record"),
                    ));
                };
                let more = field(anweb::LONG);
                if !more.is_empty() {
                    iv.long.push(' ');
                    iv.long.push_str(more);
                }
            }
            r => {
                return Err(err(
                    path,
                    i + 1,
                    format!("record id (column 11) must be 3, 4, 7 or 8, found `{r}`"),
                ));
            }
        }
    }
    let name = name_of(path);
    let (year, quarter_end) = hcpcs_quarter(&name);
    for s in [&mut hcpcs, &mut mods] {
        s.meta = meta(&[
            ("release", name.clone()),
            ("source", name.clone()),
            ("credit", "Source: CMS".to_string()),
            (
                "coverage_through",
                year.and_then(|y| compile::ymd(y, quarter_end.0, quarter_end.1))
                    .map(iso)
                    .unwrap_or_default(),
            ),
        ]);
    }
    Ok((hcpcs, mods))
}

/// Year and end of the quarter (month, day) an `HCPC2026_APR_ANWEB…` name speaks for.
fn hcpcs_quarter(name: &str) -> (Option<u32>, (u32, u32)) {
    let n = name.to_ascii_uppercase();
    let year = n.get(4..8).and_then(|y| y.parse().ok());
    let end = if ["JAN", "FEB", "MAR"].iter().any(|m| n.contains(m)) {
        (3, 31)
    } else if ["APR", "MAY", "JUN"].iter().any(|m| n.contains(m)) {
        (6, 30)
    } else if ["JUL", "AUG", "SEP"].iter().any(|m| n.contains(m)) {
        (9, 30)
    } else {
        (12, 31)
    };
    (year, end)
}

/// NCCI PTP files (`ccipra-v…-f1.txt`, …): column 1, column 2, `*` (prior to 1996),
/// effective YYYYMMDD, deletion YYYYMMDD or `*`, modifier indicator 0/1/9, rationale. Header
/// lines (whose first field is not a code) precede the rows.
pub(crate) fn import_ptp(paths: &[&Path]) -> Result<EditSource, CodesetError> {
    let mut t = EditSource::new("ptp", EditKind::Ptp.width());
    for path in paths {
        let text = read_text(path)?;
        let mut started = false;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').map(str::trim).collect();
            let first = f.first().copied().unwrap_or("");
            if !(started || is_code(first) && f.len() > 1) {
                continue;
            }
            started = true;
            let e = |m: String| err(path, i + 1, m);
            if f.len() < 6 {
                return Err(e(format!(
                    "expected at least 6 tab-separated fields, found {}",
                    f.len()
                )));
            }
            let get = |j: usize| f.get(j).copied().unwrap_or("");
            let (c1, c2) = (get(0), get(1));
            if !is_code(c1) || !is_code(c2) {
                return Err(e(format!(
                    "columns 1 and 2 must be codes, found `{c1}` and `{c2}`"
                )));
            }
            let eff = parse_ymd8(get(3)).ok_or_else(|| {
                e(format!(
                    "effective date must be YYYYMMDD, found `{}`",
                    get(3)
                ))
            })?;
            let del = match get(4) {
                "*" | "" => 0,
                d => parse_ymd8(d).ok_or_else(|| {
                    e(format!(
                        "deletion date must be YYYYMMDD or `*`, found `{d}`"
                    ))
                })?,
            };
            let ind = match get(5) {
                "0" => 0,
                "1" => 1,
                "9" => 9,
                m => {
                    return Err(e(format!(
                        "modifier indicator must be 0, 1 or 9, found `{m}`"
                    )));
                }
            };
            let mut k = c1.as_bytes().to_vec();
            k.push(0);
            k.extend_from_slice(c2.as_bytes());
            let rows = t.entries.entry(k).or_default();
            let row = vec![eff, del, ind];
            if !rows.contains(&row) {
                rows.push(row);
            }
        }
        if !started {
            return Err(err(path, 0, "no PTP rows (column 1, column 2, …) found"));
        }
    }
    for rows in t.entries.values_mut() {
        rows.sort();
    }
    t.meta = ncci_meta(paths);
    Ok(t)
}

/// The effective date in `MCR_MUE_…_Eff_2026-04-01.csv`.
fn effective_in_name(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let at = lower.find("eff_")?;
    compile::parse_iso_date(name.get(at + 4..at + 14)?)
}

/// MUE CSV files: code, MUE value, adjudication indicator (`2 Date of Service Edit: Policy`),
/// rationale, after header rows with the AMA notice. Each file's rows run from its effective
/// date (from the name, else `opts.effective`) until the next file's.
pub(crate) fn import_mue(paths: &[&Path], opts: &BuildOptions) -> Result<EditSource, CodesetError> {
    let mut dated = Vec::new();
    for p in paths {
        let eff = effective_in_name(&name_of(p))
            .or(opts.effective.map(key))
            .ok_or_else(|| CodesetError::NoEffectiveDate {
                path: p.display().to_string(),
            })?;
        dated.push((eff, *p));
    }
    dated.sort();
    let mut t = EditSource::new("mue", EditKind::Mue.width());
    for (n, (eff, path)) in dated.iter().enumerate() {
        let end = dated.get(n + 1).map_or(0, |(next, _)| day_before(*next));
        let text = read_text(path)?;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut started = false;
        for rec in rdr.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                err(path, line, format!("not CSV: {e}"))
            })?;
            let line = rec.position().map_or(0, |p| p.line() as usize);
            let get = |j: usize| rec.get(j).unwrap_or("").trim();
            let code = get(0);
            let looks_like_row =
                is_code(code) && !get(1).is_empty() && get(1).bytes().all(|c| c.is_ascii_digit());
            if !(started || looks_like_row) {
                continue;
            }
            started = true;
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if !is_code(code) {
                return Err(err(
                    path,
                    line,
                    format!("column 1 must be a HCPCS/CPT code, found `{code}`"),
                ));
            }
            let value: u32 = get(1).parse().map_err(|_| {
                err(
                    path,
                    line,
                    format!("MUE value must be a whole number, found `{}`", get(1)),
                )
            })?;
            let ind = match get(2).chars().next() {
                Some(c @ '1'..='3') => u32::from(c) - u32::from('0'),
                _ => {
                    return Err(err(
                        path,
                        line,
                        format!(
                            "adjudication indicator must start with 1, 2 or 3, found `{}`",
                            get(2)
                        ),
                    ));
                }
            };
            t.entries
                .entry(code.as_bytes().to_vec())
                .or_default()
                .push(vec![*eff, end, value, ind]);
        }
        if !started {
            return Err(err(path, 0, "no MUE rows (code, value, indicator) found"));
        }
    }
    t.meta = ncci_meta(paths);
    Ok(t)
}

/// Add-on code edits (tab- or comma-separated, a header row naming the columns): add-on code,
/// primary code (`CCCCC` = no specific primary), type 1/2/3, effective and deletion dates
/// (YYYYMMDD, `*` or empty = none).
pub(crate) fn import_addon(paths: &[&Path]) -> Result<EditSource, CodesetError> {
    let mut t = EditSource::new("addon", EditKind::AddOn.width());
    for path in paths {
        let text = read_text(path)?;
        let delim = if text.lines().next().is_some_and(|l| l.contains('\t')) {
            b'\t'
        } else {
            b','
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim)
            .from_reader(text.as_bytes());
        let mut cols: Option<[usize; 5]> = None;
        for rec in rdr.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                err(path, line, format!("not CSV: {e}"))
            })?;
            let line = rec.position().map_or(0, |p| p.line() as usize);
            let Some([c_add, c_prim, c_type, c_eff, c_del]) = cols else {
                let h: Vec<String> = rec.iter().map(|f| f.to_ascii_lowercase()).collect();
                let find = |f: &dyn Fn(&str) -> bool| h.iter().position(|x| f(x));
                let prim =
                    find(&|x| x.contains("primary") && x.contains("code") && !x.contains("date"));
                let add = find(&|x| {
                    (x.contains("add") || x.contains("aoc"))
                        && x.contains("code")
                        && !x.contains("primary")
                        && !x.contains("date")
                        && !x.contains("type")
                });
                let typ = find(&|x| x.contains("type"));
                let eff = find(&|x| x.contains("effective"));
                let del = find(&|x| x.contains("delet"));
                if let (Some(a), Some(p), Some(ty), Some(e), Some(d)) = (add, prim, typ, eff, del) {
                    cols = Some([a, p, ty, e, d]);
                } else if h.iter().any(|x| x.contains("primary")) {
                    return Err(err(
                        path,
                        line,
                        "header must name add-on code, primary code, type, effective date and deletion date columns",
                    ));
                }
                continue;
            };
            let get = |j: usize| rec.get(j).unwrap_or("").trim();
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let (code, prim) = (get(c_add), get(c_prim));
            if !is_code(code) {
                return Err(err(
                    path,
                    line,
                    format!("add-on code must be a code, found `{code}`"),
                ));
            }
            if !prim.is_empty() && !is_code(prim) {
                return Err(err(
                    path,
                    line,
                    format!("primary code must be a code, found `{prim}`"),
                ));
            }
            let kind = match get(c_type).trim_start_matches("Type ").trim() {
                "1" | "I" => 1,
                "2" | "II" => 2,
                "3" | "III" => 3,
                k => {
                    return Err(err(
                        path,
                        line,
                        format!("add-on type must be 1, 2 or 3, found `{k}`"),
                    ));
                }
            };
            let date = |v: &str, what: &str| -> Result<u32, CodesetError> {
                match v {
                    "" | "*" => Ok(0),
                    d => parse_ymd8(d).ok_or_else(|| {
                        err(path, line, format!("{what} must be YYYYMMDD, found `{d}`"))
                    }),
                }
            };
            let eff = date(get(c_eff), "effective date")?;
            let del = date(get(c_del), "deletion date")?;
            let (o, l) = if prim == "CCCCC" {
                (0, 0)
            } else {
                t.strings.add(prim).map_err(|m| err(path, line, m))?
            };
            t.entries
                .entry(code.as_bytes().to_vec())
                .or_default()
                .push(vec![eff, del, kind, o, l]);
        }
        if cols.is_none() {
            return Err(err(
                path,
                0,
                "no header row naming the add-on and primary code columns",
            ));
        }
    }
    t.meta = ncci_meta(paths);
    Ok(t)
}

/// The user's CPT file: code TAB description, an optional header line. Valid from
/// `opts.effective` (else always).
pub(crate) fn import_cpt(path: &Path, opts: &BuildOptions) -> Result<SetSource, CodesetError> {
    let text = read_text(path)?;
    let mut set = SetSource::new("cpt");
    let from = opts.effective.map_or(0, key);
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let (code, desc) = line.split_once('\t').unwrap_or((line, ""));
        let code = code.trim();
        if i == 0 && !is_code(code) {
            continue; // header
        }
        if !is_code(code) {
            return Err(err(
                path,
                i + 1,
                format!("expected a CPT code, a tab and its description; found `{code}`"),
            ));
        }
        let e = set.codes.entry(code.to_string()).or_default();
        if !e.intervals.is_empty() {
            return Err(err(path, i + 1, format!("code `{code}` is listed twice")));
        }
        e.intervals.push(Interval {
            from,
            to: 0,
            billable: true,
            short: desc.trim().to_string(),
            long: desc.trim().to_string(),
            status: String::new(),
        });
    }
    let name = name_of(path);
    set.meta = meta(&[
        ("release", name.clone()),
        ("source", name),
        (
            "credit",
            "CPT: American Medical Association (user-supplied file)".to_string(),
        ),
    ]);
    Ok(set)
}

/// Release metadata of an NCCI table (PTP, MUE, add-on): the files it was built from.
fn ncci_meta(paths: &[&Path]) -> Vec<(String, String)> {
    let names = paths
        .iter()
        .map(|p| name_of(p))
        .collect::<Vec<String>>()
        .join(", ");
    meta(&[
        ("release", names.clone()),
        ("source", names),
        ("credit", "Source: CMS NCCI".to_string()),
    ])
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
        assert_eq!(
            effective_in_name("MCR_MUE_PractitionerServices_Eff_2026-04-01.csv"),
            Some(20260401)
        );
    }

    #[test]
    fn quarter_of_hcpcs_name() {
        assert_eq!(
            hcpcs_quarter("HCPC2026_APR_ANWEB.txt"),
            (Some(2026), (6, 30))
        );
    }
}
