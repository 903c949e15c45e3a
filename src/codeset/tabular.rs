//! The ICD-10-CM tabular list in CDC/CMS XML (`icd10cm_tabular_2026.xml`, root
//! `<ICD10CM.tabular>`), read with a streaming `quick-xml` reader.
//!
//! A port of `Tabular` in `codesets/generate.py`, which writes the shipped
//! `codesets/icd10cm/notes.tsv` and `seventh.tsv`, so a user's release gives the same data:
//!
//! - **notes**: the `<note>`s of the `<excludes1>`, `<excludes2>`, `<codeFirst>`,
//!   `<useAdditionalCode>` and `<codeAlso>` blocks directly under a `<chapter>` (node: the range
//!   its description ends with, `A00-B99`), a `<section>` (its `id`, `A00-A09`; a one-category
//!   `C7A` becomes `C7A-C7A`) or a `<diag>` (its `<name>` without the dot). Within a node the
//!   notes are kept by kind, then in file order, each once; their targets are resolved from the
//!   text by [`note_targets`]. `<includes>`, `<inclusionTerm>` and other notes are not edits
//!   and are left out, as generate.py does.
//! - **7th characters**: each `<diag>`'s `<sevenChrDef><extension char="A">…`, sorted by
//!   character.
//! - **codes** (used only when no order file decides them): every `<diag>` is a code; one with
//!   child `<diag>`s is a header. A leaf under a `<sevenChrDef>` (its own or an ancestor's) is a
//!   header too, and each 7th character makes a billable code (padded with `X` to six
//!   characters, `S72001` + `A`; titled "desc, meaning"), except `D` and `S` for `S06` codes
//!   whose 6th character is 7 or 8 (the tabular's own note there). Every other leaf is billable.
//!   The XML has one description per code, so short and long titles are the same.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use regex::Regex;

use super::CodesetError;
use super::compile::NoteRow;

/// The root element of the tabular XML.
pub(crate) const ROOT: &str = "ICD10CM.tabular";

/// Note blocks that become notes: (XML element, index into `compile::NOTE_KINDS`).
const NOTE_BLOCKS: [(&str, u32); 5] = [
    ("excludes1", 0),
    ("excludes2", 1),
    ("codeFirst", 2),
    ("useAdditionalCode", 3),
    ("codeAlso", 4),
];

/// One `<diag>` in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diag {
    /// Without the dot, uppercase.
    pub code: String,
    pub desc: String,
    /// Index of the parent `<diag>` in [`Tabular::diags`].
    pub parent: Option<usize>,
    pub has_children: bool,
    /// The `<sevenChrDef>` extensions as written (character, meaning).
    pub seventh: Vec<(char, String)>,
}

/// What one tabular XML file holds.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tabular {
    /// `<version>`, if any.
    pub version: Option<String>,
    pub diags: Vec<Diag>,
    pub notes: BTreeMap<String, Vec<NoteRow>>,
    pub seventh: BTreeMap<String, Vec<(char, String)>>,
}

/// One code after 7th-character expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expanded {
    pub billable: bool,
    pub title: String,
}

impl Tabular {
    /// The 7th-character definition in force at `diags[i]`: its own, else its nearest
    /// ancestor's.
    fn seventh_def(&self, mut i: usize) -> Option<&[(char, String)]> {
        loop {
            let d = self.diags.get(i)?;
            if !d.seventh.is_empty() {
                return Some(&d.seventh);
            }
            i = d.parent?;
        }
    }

    /// Every code with its billable flag and title, after 7th-character expansion.
    pub fn expand(&self) -> BTreeMap<String, Expanded> {
        let mut out = BTreeMap::new();
        for (i, d) in self.diags.iter().enumerate() {
            let sev = if d.has_children {
                None
            } else {
                self.seventh_def(i)
            };
            out.insert(
                d.code.clone(),
                Expanded {
                    billable: !d.has_children && sev.is_none(),
                    title: d.desc.clone(),
                },
            );
            let Some(sev) = sev else { continue };
            let mut base = d.code.clone();
            while base.len() < 6 {
                base.push('X');
            }
            // As a dict would: one entry per character, at its first place, its last meaning.
            let mut chars: Vec<(char, &str)> = Vec::new();
            for (c, meaning) in sev {
                match chars.iter_mut().find(|(x, _)| x == c) {
                    Some(e) => e.1 = meaning,
                    None => chars.push((*c, meaning)),
                }
            }
            let s06_death =
                base.starts_with("S06") && matches!(base.as_bytes().get(5), Some(b'7' | b'8'));
            for (c, meaning) in chars {
                // Tabular note at S06: 7th characters D and S do not apply to codes whose 6th
                // character is 7 or 8 (death due to brain injury).
                if s06_death && matches!(c, 'D' | 'S') {
                    continue;
                }
                out.insert(
                    format!("{base}{c}"),
                    Expanded {
                        billable: true,
                        title: format!("{}, {meaning}", d.desc),
                    },
                );
            }
        }
        out
    }
}

/// `generate.py`'s `clean`: tabs and line breaks become spaces, runs of spaces one space,
/// trimmed.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = if matches!(c, '\t' | '\r' | '\n') {
            ' '
        } else {
            c
        };
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(c);
    }
    out.trim().to_string()
}

/// `generate.py`'s `norm`: dots removed, trimmed, uppercase.
fn norm(code: &str) -> String {
    code.replace('.', "").trim().to_uppercase()
}

/// A code as notes write it (`E11.9`, `O9A.1`, `QA0`). generate.py's token is
/// `[A-Z](?:[0-9]|A(?=[0-9]))[0-9A-Z]…`, which is the same language without the look-ahead.
const CODE_TOK: &str = r"[A-Z](?:[0-9][0-9A-Z]|A[0-9])(?:\.[0-9A-Z]{0,4})?";

/// generate.py's `TARGET_RE` with its look-ahead `(?![A-Za-z0-9])` as a consumed
/// non-alphanumeric character or the end (the look-behind is checked by hand): a code, an
/// optional `-`/`.-` (a prefix), an optional `- code` (a range).
static TARGET: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(&format!(
        r"({CODE_TOK})(\.?-)?(?:\s*-\s*({CODE_TOK})(\.?-)?)?(?:[^A-Za-z0-9]|\z)"
    ))
    .ok()
});
static PARENS: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\(([^()]*)\)").ok());
static VITAMIN: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)vitamin\s+[A-Z]\d+").ok());

/// Every match of `TARGET` in `s` as Python's `finditer` gives it: (code, prefix dash, range
/// end).
fn target_matches(s: &str) -> Vec<(&str, bool, Option<&str>)> {
    let Some(re) = TARGET.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = re.captures_at(s, at) {
        let (Some(whole), Some(a)) = (c.get(0), c.get(1)) else {
            break;
        };
        let start = whole.start();
        // Look-behind `(?<![A-Za-z0-9])`.
        if start > 0
            && s.as_bytes()
                .get(start - 1)
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            at = start + 1; // a match starts with an ASCII letter
            continue;
        }
        out.push((a.as_str(), c.get(2).is_some(), c.get(3).map(|m| m.as_str())));
        at = whole.end().max(start + 1);
    }
    out
}

/// The codes, prefixes and ranges a note names, comma-joined (`E10*`, `E119`, `E08-E13`):
/// generate.py's `note_targets`. Codes inside parentheses are taken first; a note with none
/// there is scanned whole (e.g. "see categories E08-E10, E11, E13", "classifiable to P76.-"),
/// with "vitamin B12" and the like left out.
pub(crate) fn note_targets(text: &str) -> String {
    let groups: Vec<&str> = PARENS
        .as_ref()
        .map(|re| {
            re.captures_iter(text)
                .filter_map(|c| c.get(1).map(|m| m.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let stripped;
    let groups: Vec<&str> = if groups.iter().any(|g| !target_matches(g).is_empty()) {
        groups
    } else {
        stripped = match VITAMIN.as_ref() {
            Some(re) => re.replace_all(text, ""),
            None => Cow::Borrowed(text),
        };
        vec![stripped.as_ref()]
    };
    let mut out: Vec<String> = Vec::new();
    for g in groups {
        for (a, dash, b) in target_matches(g) {
            let t = match b {
                Some(b) => format!("{}-{}", norm(a), norm(b)),
                None if dash => format!("{}*", norm(a)),
                None => norm(a),
            };
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out.join(",")
}

/// What an open element is, for what its content means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Version,
    Chapter,
    Section,
    /// Index into `Tabular::diags`.
    Diag(usize),
    /// `<name>` / `<desc>` of the enclosing chapter, section or diag.
    Name,
    Desc,
    /// A note block of a kind (index into `compile::NOTE_KINDS`).
    Block(u32),
    Note(u32),
    /// `<sevenChrDef>` of the diag at this index.
    SevenDef(usize),
    Extension(char, usize),
    Other,
}

struct Open {
    role: Role,
    /// Byte offset of its start tag.
    pos: usize,
    /// Element name, to name an unclosed one.
    tag: String,
}

/// Notes gathered for one chapter, section or diag: (kind, text) in file order.
#[derive(Default)]
struct Owner {
    name: String,
    desc: String,
    notes: Vec<(u32, String)>,
}

/// 1-based line of byte offset `pos` in `text`.
fn line_at(text: &str, pos: usize) -> usize {
    let end = pos.min(text.len());
    memchr::memchr_iter(b'\n', text.as_bytes().get(..end).unwrap_or_default()).count() + 1
}

fn err(path: &Path, text: &str, pos: usize, message: impl Into<String>) -> CodesetError {
    CodesetError::Source {
        path: path.display().to_string(),
        line: line_at(text, pos),
        message: message.into(),
    }
}

fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, String> {
    match e.try_get_attribute(name) {
        Ok(Some(a)) => a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| Some(v.into_owned()))
            .map_err(|e| format!("attribute `{name}`: {e}")),
        Ok(None) => Ok(None),
        Err(e) => Err(format!("attributes: {e}")),
    }
}

/// Does `text` start (after the declaration, comments, whitespace) with `<ICD10CM.tabular>`?
pub(crate) fn sniff(head: &str) -> bool {
    let mut r = Reader::from_str(head);
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => return e.name().as_ref() == ROOT,
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

/// Read a tabular XML file's text (`path` names it in errors). Malformed XML, an unexpected
/// root, a `<diag>` without `<name>`, a code listed twice, a `<section>` without `id` or an
/// `<extension>` without `char` is an error naming the line.
pub(crate) fn parse(path: &Path, text: &str) -> Result<Tabular, CodesetError> {
    let mut tab = Tabular::default();
    let mut r = Reader::from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    // Chapter, section and diag owners, innermost last (parallel to those roles on `stack`).
    let mut owners: Vec<Owner> = Vec::new();
    // Text of the innermost capturing element (name, desc, note, extension, version).
    let mut buf = String::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut root_seen = false;
    loop {
        let pos = usize::try_from(r.buffer_position()).unwrap_or(usize::MAX);
        let ev = r.read_event().map_err(|e| {
            let at = usize::try_from(r.error_position()).unwrap_or(pos);
            err(path, text, at, format!("not well-formed XML: {e}"))
        })?;
        let (start, empty) = match ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                let Some(open) = stack.pop() else {
                    return Err(err(path, text, pos, "end tag without a start tag"));
                };
                close(
                    path,
                    text,
                    &mut tab,
                    &mut owners,
                    &mut seen,
                    &mut buf,
                    &open,
                )?;
                continue;
            }
            Event::Text(t) => {
                if capturing(&stack) {
                    buf.push_str(&t.xml10_content());
                }
                continue;
            }
            Event::CData(t) => {
                if capturing(&stack) {
                    buf.push_str(&t.xml10_content());
                }
                continue;
            }
            Event::GeneralRef(g) => {
                let c = match g.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&g) {
                        Some(s) => s.to_string(),
                        None => {
                            return Err(err(
                                path,
                                text,
                                pos,
                                format!("unknown entity `&{};`", &*g),
                            ));
                        }
                    },
                    Err(e) => {
                        return Err(err(
                            path,
                            text,
                            pos,
                            format!("bad character reference: {e}"),
                        ));
                    }
                };
                if capturing(&stack) {
                    buf.push_str(&c);
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let tag = start.name().as_ref().to_string();
        let parent = stack.last().map(|o| o.role);
        let role = match (parent, tag.as_str()) {
            (None, _) if root_seen => {
                return Err(err(
                    path,
                    text,
                    pos,
                    format!("`<{tag}>` after the root element"),
                ));
            }
            (None, ROOT) => Role::Root,
            (None, _) => {
                return Err(err(
                    path,
                    text,
                    pos,
                    format!(
                        "the root element is `<{tag}>`, not `<{ROOT}>`: not an ICD-10-CM tabular file"
                    ),
                ));
            }
            (Some(Role::Root), "version") => Role::Version,
            (Some(Role::Root), "chapter") => {
                owners.push(Owner::default());
                Role::Chapter
            }
            (Some(Role::Chapter), "section") => {
                flush_chapter(&mut tab, &mut owners);
                let id = attr(&start, "id").map_err(|m| err(path, text, pos, m))?;
                let Some(id) = id.filter(|s| !s.trim().is_empty()) else {
                    return Err(err(path, text, pos, "`<section>` without an `id`"));
                };
                let mut key = norm(&id);
                if !key.contains('-') {
                    key = format!("{key}-{key}");
                }
                owners.push(Owner {
                    name: key,
                    ..Owner::default()
                });
                Role::Section
            }
            (Some(Role::Section | Role::Diag(_)), "diag") => {
                let parent = match parent {
                    Some(Role::Diag(i)) => {
                        if let Some(d) = tab.diags.get_mut(i) {
                            d.has_children = true;
                        }
                        Some(i)
                    }
                    _ => None,
                };
                tab.diags.push(Diag {
                    code: String::new(),
                    desc: String::new(),
                    parent,
                    has_children: false,
                    seventh: Vec::new(),
                });
                owners.push(Owner::default());
                Role::Diag(tab.diags.len() - 1)
            }
            (Some(Role::Chapter | Role::Section | Role::Diag(_)), "name") => Role::Name,
            (Some(Role::Chapter | Role::Section | Role::Diag(_)), "desc") => Role::Desc,
            (Some(Role::Chapter | Role::Section | Role::Diag(_)), t) => {
                match NOTE_BLOCKS.iter().find(|(n, _)| *n == t) {
                    Some((_, k)) => Role::Block(*k),
                    // Only the first, as generate.py's `find`.
                    None if t == "sevenChrDef" => match parent {
                        Some(Role::Diag(i))
                            if tab.diags.get(i).is_some_and(|d| d.seventh.is_empty()) =>
                        {
                            Role::SevenDef(i)
                        }
                        _ => Role::Other,
                    },
                    None => Role::Other,
                }
            }
            (Some(Role::Block(k)), "note") => Role::Note(k),
            (Some(Role::SevenDef(i)), "extension") => {
                let c = attr(&start, "char").map_err(|m| err(path, text, pos, m))?;
                let mut chars = c.as_deref().unwrap_or("").trim().chars();
                let (Some(c), None) = (chars.next(), chars.next()) else {
                    return Err(err(
                        path,
                        text,
                        pos,
                        "`<extension>` needs a one-character `char` attribute",
                    ));
                };
                Role::Extension(c.to_ascii_uppercase(), i)
            }
            _ => Role::Other,
        };
        if role == Role::Root {
            root_seen = true;
        }
        if matches!(
            role,
            Role::Name | Role::Desc | Role::Note(_) | Role::Extension(..) | Role::Version
        ) {
            buf.clear();
        }
        let open = Open { role, pos, tag };
        if empty {
            close(
                path,
                text,
                &mut tab,
                &mut owners,
                &mut seen,
                &mut buf,
                &open,
            )?;
        } else {
            stack.push(open);
        }
    }
    if let Some(open) = stack.last() {
        return Err(err(
            path,
            text,
            open.pos,
            format!("`<{}>` is never closed (the file ends first)", open.tag),
        ));
    }
    if !root_seen {
        return Err(err(path, text, 0, format!("no `<{ROOT}>` element")));
    }
    for v in tab.seventh.values_mut() {
        v.sort_by_key(|(c, _)| *c);
    }
    Ok(tab)
}

/// Inside an element whose text is wanted?
fn capturing(stack: &[Open]) -> bool {
    stack.iter().rev().any(|o| {
        matches!(
            o.role,
            Role::Name | Role::Desc | Role::Note(_) | Role::Extension(..) | Role::Version
        )
    })
}

/// Record an owner's notes under `node`: by kind, then in file order, each once.
fn add_notes(tab: &mut Tabular, node: &str, mut notes: Vec<(u32, String)>) {
    if notes.is_empty() {
        return;
    }
    notes.sort_by_key(|(k, _)| *k);
    let rows = tab.notes.entry(node.to_string()).or_default();
    for (kind, text) in notes {
        let row = NoteRow {
            kind,
            targets: note_targets(&text),
            text,
        };
        if !rows.contains(&row) {
            rows.push(row);
        }
    }
}

/// A chapter's notes, once its description is known (before its first section, so that they
/// come first should a section share its node).
fn flush_chapter(tab: &mut Tabular, owners: &mut [Owner]) {
    let Some(o) = owners.last_mut() else { return };
    if o.notes.is_empty() {
        return;
    }
    let node = chapter_node(&o.desc, &o.name);
    add_notes(tab, &node, std::mem::take(&mut o.notes));
}

/// `(A00-B99)` at the end of a chapter's description, else `CH` and its number.
fn chapter_node(desc: &str, name: &str) -> String {
    static RANGE: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"\(([A-Z][0-9A-Z]{2})-([A-Z][0-9A-Z]{2})\)\s*$").ok());
    match RANGE.as_ref().and_then(|re| re.captures(desc)) {
        Some(c) => format!(
            "{}-{}",
            c.get(1).map_or("", |m| m.as_str()),
            c.get(2).map_or("", |m| m.as_str())
        ),
        None => format!("CH{}", name.trim()),
    }
}

fn close(
    path: &Path,
    text: &str,
    tab: &mut Tabular,
    owners: &mut Vec<Owner>,
    seen: &mut BTreeMap<String, usize>,
    buf: &mut String,
    open: &Open,
) -> Result<(), CodesetError> {
    match open.role {
        Role::Version => tab.version = Some(clean(buf)),
        Role::Name => {
            if let Some(o) = owners.last_mut()
                && o.name.is_empty()
            {
                o.name = std::mem::take(buf);
            }
        }
        Role::Desc => {
            if let Some(o) = owners.last_mut()
                && o.desc.is_empty()
            {
                o.desc = std::mem::take(buf);
            }
        }
        Role::Note(k) => {
            let t = clean(buf);
            if !t.is_empty()
                && let Some(o) = owners.last_mut()
            {
                o.notes.push((k, t));
            }
        }
        Role::Extension(c, i) => {
            if let Some(d) = tab.diags.get_mut(i) {
                d.seventh.push((c, clean(buf)));
            }
        }
        Role::Chapter => {
            flush_chapter(tab, owners);
            owners.pop();
        }
        Role::Section => {
            if let Some(o) = owners.pop() {
                add_notes(tab, &o.name, o.notes);
            }
        }
        Role::Diag(i) => {
            let o = owners.pop().unwrap_or_default();
            let code = norm(&o.name);
            if code.is_empty() {
                return Err(err(path, text, open.pos, "`<diag>` without a `<name>`"));
            }
            if !super::compile::is_code(&code) {
                return Err(err(
                    path,
                    text,
                    open.pos,
                    format!("`<diag>` name `{}` is not a code", o.name.trim()),
                ));
            }
            if let Some(first) = seen.insert(code.clone(), open.pos) {
                return Err(err(
                    path,
                    text,
                    open.pos,
                    format!(
                        "code `{code}` is listed twice (first at line {})",
                        line_at(text, first)
                    ),
                ));
            }
            if let Some(d) = tab.diags.get_mut(i) {
                d.code.clone_from(&code);
                d.desc = clean(&o.desc);
                if !d.seventh.is_empty() {
                    tab.seventh.insert(code.clone(), d.seventh.clone());
                }
            }
            add_notes(tab, &code, o.notes);
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_as_generate_py_resolves_them() {
        assert_eq!(note_targets("type 1 diabetes mellitus (E10.-)"), "E10*");
        assert_eq!(note_targets("gestational diabetes (O24.4-)"), "O244*");
        assert_eq!(note_targets("neonatal diabetes mellitus (P70.2)"), "P702");
        assert_eq!(
            note_targets("code to identify stage of chronic kidney disease (N18.1-N18.6)"),
            "N181-N186"
        );
        assert_eq!(note_targets("perinatal period (P35-P39)"), "P35-P39");
        assert_eq!(
            note_targets("see categories E08-E10, E11, E13"),
            "E08-E10,E11,E13"
        );
        assert_eq!(note_targets("classifiable to P76.-"), "P76*");
        assert_eq!(note_targets("deficiency of vitamin B12 (D51.-)"), "D51*");
        assert_eq!(note_targets("vitamin B12 deficiency anemia"), "");
        assert_eq!(
            note_targets("certain localized infections - see body system-related chapters"),
            ""
        );
        // Parenthesized text without codes: the whole note is scanned.
        assert_eq!(note_targets("something (NOS) E11.9"), "E119");
        assert_eq!(note_targets("(O9A.1-)"), "O9A1*");
        assert_eq!(note_targets("codes (E10,E11)"), "E10,E11");
        // Look-behind and look-ahead: no match inside a word.
        assert_eq!(note_targets("(XE10 and E10A9Z)"), "");
        assert_eq!(note_targets("(A01.23456)"), "A01");
    }

    /// The real tabular XML (`CLAIMSCRUB_TABULAR_XML`, e.g. the April 2026 file generate.py
    /// reads) gives exactly the shipped `notes.tsv` and `seventh.tsv`, and, with
    /// `CLAIMSCRUB_TABULAR_FLAT` (its flat code list), the same codes after expansion.
    #[test]
    #[ignore = "needs the real tabular XML: set CLAIMSCRUB_TABULAR_XML"]
    fn real_file_matches_the_shipped_tsvs() {
        let Some(xml) = std::env::var_os("CLAIMSCRUB_TABULAR_XML") else {
            return;
        };
        let path = Path::new(&xml);
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let tab = parse(path, &text).unwrap_or_default();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("codesets/icd10cm");
        let tsv = |name: &str| -> Vec<String> {
            std::fs::read_to_string(dir.join(name))
                .unwrap_or_default()
                .lines()
                .skip(1)
                .map(str::to_string)
                .collect()
        };
        let notes: Vec<String> = tab
            .notes
            .iter()
            .flat_map(|(node, rows)| {
                rows.iter().map(move |r| {
                    let kind = super::super::compile::NOTE_KINDS
                        .get(r.kind as usize)
                        .copied()
                        .unwrap_or("");
                    format!("{node}\t{kind}\t{}\t{}", r.targets, r.text)
                })
            })
            .collect();
        let shipped = tsv("notes.tsv");
        assert_eq!(notes.len(), shipped.len());
        for (a, b) in notes.iter().zip(&shipped) {
            assert_eq!(a, b);
        }
        let seventh: Vec<String> = tab
            .seventh
            .iter()
            .flat_map(|(code, v)| v.iter().map(move |(c, m)| format!("{code}\t{c}\t{m}")))
            .collect();
        assert_eq!(seventh, tsv("seventh.tsv"));
        if let Some(flat) = std::env::var_os("CLAIMSCRUB_TABULAR_FLAT") {
            let flat: std::collections::BTreeSet<String> = std::fs::read_to_string(flat)
                .unwrap_or_default()
                .lines()
                .map(norm)
                .filter(|c| {
                    !c.is_empty() && !c.contains('-') && !c.bytes().all(|b| b.is_ascii_digit())
                })
                .collect();
            let expanded = tab.expand();
            // codesets/README.md: 98,186 codes, 74,719 billable, 23,467 headers.
            assert_eq!(expanded.values().filter(|e| e.billable).count(), 74_719);
            let ours: std::collections::BTreeSet<String> = expanded.into_keys().collect();
            assert_eq!(flat.len(), ours.len());
            assert!(
                flat == ours,
                "{:?}",
                flat.symmetric_difference(&ours)
                    .take(10)
                    .collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn clean_collapses_spaces() {
        assert_eq!(clean("  a\t\tb\r\n c  "), "a b c");
    }
}
