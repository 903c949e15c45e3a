//! Code-set layer integration tests.
//!
//! - `fixture`: golden lookups on the hand-written `tests/fixtures/codesets` sets.
//! - `import`: the official CMS layouts under `tests/fixtures/cms`.
//! - `corrupt`: damaged compiled files are refused, never a panic.
//! - `malformed`: a bad source row is an error naming file and line.
//! - `shipped`: exact counts of the embedded data (skipped unless it is embedded).
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly"
)]

use std::path::{Path, PathBuf};

use claimscrub::codeset::{
    AgeGroup, BuildReport, CodePattern, CodeSets, CodeSex, CodesetError, NoteKind, Resolution,
    Status, System, Target, Unresolved, build_dir,
};
use jiff::civil::{Date, date};

fn fixtures(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(sub)
}

fn build(sub: &str) -> (tempfile::TempDir, BuildReport, CodeSets) {
    let out = tempfile::tempdir().unwrap();
    let report = build_dir(&fixtures(sub), out.path()).unwrap();
    let sets = CodeSets::load_dir(out.path()).unwrap();
    (out, report, sets)
}

const D: Date = date(2026, 3, 1);

mod fixture {
    use super::*;

    #[test]
    fn builds_every_system() {
        let (_dir, report, sets) = build("codesets");
        let names: Vec<&str> = report.built.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["icd10cm", "icd10pcs", "hcpcs", "modifier", "pos"]);
        assert!(report.skipped.is_empty());
        let cm = sets.get(System::Icd10Cm).unwrap();
        assert_eq!(cm.len(), 27);
        assert_eq!(cm.rows(), 28);
        assert_eq!(cm.release(), "fixture FY2026");
        assert_eq!(cm.coverage_through(), Some(date(2026, 9, 30)));
        let info = sets.info();
        assert_eq!(info.len(), 5);
        assert_eq!(info[0].name, "icd10cm");
        assert_eq!(info[0].credit, "Source: CDC/NCHS");
        assert!(info[0].bytes > 0);
    }

    /// Sources compiled from memory give the bytes `codesets build` writes from disk.
    #[test]
    fn sources_in_memory_compile_as_from_disk() {
        let (dir, report, _) = build("codesets");
        for built in &report.built {
            let sub = if built.name == "modifier" {
                "modifiers"
            } else {
                &built.name
            };
            let src = fixtures("codesets").join(sub);
            let texts: Vec<(String, String)> = std::fs::read_dir(&src)
                .unwrap()
                .map(|e| {
                    let p = e.unwrap().path();
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    (name, std::fs::read_to_string(&p).unwrap())
                })
                .collect();
            let files: Vec<(&str, &str)> = texts
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            let bytes = claimscrub::codeset::compile_sources(&built.name, &files).unwrap();
            let on_disk = std::fs::read(&built.path).unwrap();
            assert!(
                bytes == on_disk,
                "{}: in-memory compile differs",
                built.name
            );
        }
        drop(dir);
        assert!(matches!(
            claimscrub::codeset::compile_sources("cpt", &[]),
            Err(CodesetError::Kind { .. })
        ));
    }

    #[test]
    fn exact_lookups_by_date() {
        let (_dir, _, sets) = build("codesets");
        let cm = sets.get(System::Icd10Cm).unwrap();
        let l = cm.lookup("E11.9", D);
        assert_eq!(l.status, Status::Valid);
        let r = l.record.unwrap();
        assert!(r.billable);
        assert_eq!(
            r.long_title,
            "Type 2 diabetes mellitus without complications"
        );
        assert_eq!(
            l_str(cm.lookup("e119", D)),
            "E119 valid: Type 2 diabetes mellitus without complications"
        );
        // A header is valid but not billable.
        let e11 = cm.lookup("E11", D);
        assert_eq!(e11.status, Status::Valid);
        assert!(!e11.record.unwrap().billable);
        // Billable until FY2017, a header after.
        assert!(cm.lookup("A047", date(2016, 5, 1)).record.unwrap().billable);
        assert!(!cm.lookup("A047", D).record.unwrap().billable);
        assert_eq!(cm.get("A047").unwrap().validity.len(), 2);
        // Deleted.
        assert_eq!(
            cm.lookup("B880", D).status,
            Status::NoLongerValid {
                until: date(2025, 9, 30)
            }
        );
        // Not yet.
        assert_eq!(
            cm.lookup("E11A", D).status,
            Status::NotYetValid {
                from: date(2026, 10, 1)
            }
        );
        // Before the first release the set covers: known since then, so it cannot judge.
        assert_eq!(
            cm.lookup("E1100", date(2014, 1, 1)).status,
            Status::BeforeCoverage {
                from: date(2015, 10, 1)
            }
        );
        assert_eq!(cm.lookup("E1199", D).status, Status::Unknown);
        assert!(cm.lookup("E1199", D).record.is_none());
        assert!(cm.contains("e11.9"));
        assert!(!cm.contains("E11.99"));
    }

    fn l_str(l: claimscrub::codeset::Lookup<'_>) -> String {
        l.to_string()
    }

    #[test]
    fn past_coverage_is_stale_unless_ended() {
        let (_dir, _, sets) = build("codesets");
        let cm = sets.get(System::Icd10Cm).unwrap();
        let late = date(2026, 12, 1);
        let stale = Status::Stale {
            through: date(2026, 9, 30),
        };
        assert_eq!(cm.lookup("E119", late).status, stale);
        assert_eq!(cm.lookup("NOPE", late).status, stale);
        assert_eq!(
            cm.lookup("B880", late).status,
            Status::NoLongerValid {
                until: date(2025, 9, 30)
            }
        );
        let h = sets.get(System::Hcpcs).unwrap();
        assert_eq!(
            h.lookup("J1100", late).status,
            Status::NoLongerValid {
                until: date(2023, 12, 31)
            }
        );
    }

    #[test]
    fn hierarchy() {
        let (_dir, _, sets) = build("codesets");
        let cm = sets.get(System::Icd10Cm).unwrap();
        assert_eq!(
            cm.children("E11", Some(D)),
            ["E1100", "E1101", "E118", "E119"]
        );
        assert_eq!(
            cm.children("E11", Some(date(2026, 10, 2))),
            ["E1100", "E1101", "E118", "E119", "E11A"]
        );
        assert_eq!(
            cm.children("A047", Some(date(2016, 1, 1))),
            Vec::<String>::new()
        );
        assert_eq!(cm.children("A04", None), ["A0471", "A0472"]);
        assert_eq!(cm.prefix("E110"), ["E110", "E1100", "E1101"]);
        assert_eq!(
            cm.range("E08", "E10"),
            ["E10", "E109"],
            "a range compares leading characters"
        );
        assert_eq!(cm.range("E10", "E11").len(), 9);
        let p = CodePattern::parse("O24.-").unwrap();
        assert_eq!(cm.matching(&p), ["O24", "O2441", "O24410"]);
        assert_eq!(cm.matching(&CodePattern::parse("E119").unwrap()), ["E119"]);
        for code in cm.range("A00", "Z99") {
            assert!(CodePattern::Range("A00".into(), "Z99".into()).matches(&code));
        }
    }

    #[test]
    fn suggestions() {
        let (_dir, _, sets) = build("codesets");
        let cm = sets.get(System::Icd10Cm).unwrap();
        assert_eq!(cm.suggest("E19", 1), ["E10", "E109", "E11", "E119"]);
        // Nearest first, then those sharing the longest start (the same category).
        assert_eq!(
            cm.suggest("E1109", 1),
            ["E110", "E1100", "E1101", "E119", "E109"]
        );
        assert!(cm.suggest("E119", 0).is_empty());
        assert!(cm.suggest("E119", 2).len() <= 10);
        assert!(!cm.suggest("E119", 2).contains(&"E119".to_string()));
        // Two edits stay within the first character (the chapter); one edit may cross it.
        assert!(!cm.suggest("F1X9", 2).contains(&"E119".to_string()));
        assert!(cm.suggest("F119", 2).contains(&"E119".to_string()));
        assert!(cm.suggest("E1X9", 2).contains(&"E119".to_string()));
        for q in ["F1X9", "R1X9", "E1X", "Z3A", "S7200XA"] {
            for c in cm.suggest(q, 2) {
                assert!(
                    c.get(..1) == q.get(..1) || strsim::levenshtein(q, &c) == 1,
                    "{q} -> {c}"
                );
            }
        }
    }

    #[test]
    fn notes_are_inherited_nearest_first() {
        let (_dir, _, sets) = build("codesets");
        let cm = sets.get(System::Icd10Cm).unwrap();
        let notes = cm.notes("E119");
        let on: Vec<&str> = notes.iter().map(|n| n.on.as_str()).collect();
        assert_eq!(on, ["E119", "E11", "E11", "E08-E13", "E00-E89"]);
        assert_eq!(notes[0].kind, NoteKind::Excludes2);
        assert_eq!(notes[0].targets, [CodePattern::Exact("E118".into())]);
        assert_eq!(notes[2].kind, NoteKind::UseAdditional);
        assert_eq!(notes[2].targets.len(), 2);
        let pair = notes
            .iter()
            .find(|n| n.kind == NoteKind::Excludes1 && n.on == "E08-E13")
            .unwrap();
        assert!(pair.targets.iter().any(|t| t.matches("O24410")));
        assert_eq!(
            notes[4].targets,
            [CodePattern::Range("O00".into(), "O9A".into())]
        );
        // The invented target-less note keeps its text.
        let a = cm.notes("A0471");
        assert_eq!(a.len(), 1);
        assert!(a[0].targets.is_empty());
        assert!(cm.notes("S72001A").is_empty());
    }

    #[test]
    fn seventh_characters_are_inherited() {
        let (_dir, _, sets) = build("codesets");
        let cm = sets.get(System::Icd10Cm).unwrap();
        let s = cm.seventh("S72001A");
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[0],
            ('A', "initial encounter for closed fracture".to_string())
        );
        assert_eq!(cm.seventh("V0001XA").len(), 1);
        assert!(cm.seventh("E119").is_empty());
    }

    #[test]
    fn attributes() {
        let (_dir, _, sets) = build("codesets");
        let cm = sets.get(System::Icd10Cm).unwrap();
        let o = cm.get("O24410").unwrap().attributes;
        assert_eq!(o.sex, Some(CodeSex::Female));
        assert_eq!(o.age_group, Some(AgeGroup::Maternity));
        assert_eq!((o.age_low, o.age_high), (Some(9), Some(64)));
        assert!(o.unacceptable_principal);
        assert_eq!(o.other_flags, ["mental_health"]);
        let p = cm.get("P0701").unwrap().attributes;
        assert_eq!(p.age_group, Some(AgeGroup::Newborn));
        assert_eq!(p.sex, None);
        assert!(cm.get("V0001XA").unwrap().attributes.external_cause);
        assert!(cm.get("E1101").unwrap().attributes.manifestation);
        assert_eq!(cm.get("E119").unwrap().attributes, Default::default());
    }

    #[test]
    fn hcpcs_status_follows_the_date() {
        let (_dir, _, sets) = build("codesets");
        let h = sets.get(System::Hcpcs).unwrap();
        let early = h.lookup("A2001", date(2024, 1, 1)).record.unwrap();
        assert_eq!(early.status_indicator, Some("N"));
        let late = h.lookup("A2001", D).record.unwrap();
        assert_eq!(late.status_indicator, Some("S1"));
        assert_eq!(h.get("A2001").unwrap().status_indicator, Some("S1"));
    }

    #[test]
    fn open_start_and_titles_of_small_sets() {
        let (_dir, _, sets) = build("codesets");
        let pos = sets.get(System::Pos).unwrap();
        let office = pos.lookup("11", date(1990, 1, 1));
        assert_eq!(office.status, Status::Valid);
        assert!(office.record.as_ref().unwrap().validity[0].open_start());
        assert_eq!(
            pos.lookup("02", date(2020, 1, 1))
                .record
                .unwrap()
                .short_title,
            "Telehealth"
        );
        let pcs = sets.get(System::Icd10Pcs).unwrap();
        assert_eq!(pcs.lookup("0DTJ4ZZ", D).status, Status::Valid);
        assert_eq!(pcs.coverage_through(), None);
        assert_eq!(pcs.release(), "");
        let m = sets.get(System::Modifier).unwrap();
        assert_eq!(m.get("LT").unwrap().short_title, "Left side");
    }

    #[test]
    fn overlay_replaces_per_system() {
        let (_d1, _, base) = build("codesets");
        let (_d2, _, user) = build("cms");
        let merged = base.overlay(user);
        // ICD-10-CM came from the order files, POS stayed.
        assert!(merged.get(System::Icd10Cm).unwrap().contains("B8801"));
        assert!(!merged.get(System::Icd10Cm).unwrap().contains("E1100"));
        assert!(merged.get(System::Pos).unwrap().contains("11"));
        assert!(merged.has_ptp() && merged.has_mue() && merged.has_addon());
    }
}

mod import {
    use super::*;

    #[test]
    fn builds_every_recognized_file() {
        let (_dir, report, sets) = build("cms");
        let mut names: Vec<(&str, usize)> = report
            .built
            .iter()
            .map(|b| (b.name.as_str(), b.rows))
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ("addon", 4),
                ("cpt", 2),
                ("hcpcs", 4),
                ("icd10cm", 5),
                ("icd10pcs", 2),
                ("modifier", 1),
                ("mue", 5),
                ("ptp", 3),
            ]
        );
        assert_eq!(report.skipped.len(), 1, "README.md");
        assert!(report.to_string().contains("skipped"));
        assert_eq!(sets.info().len(), 8);
        // The tabular XML adds no rows to the order files' set, only notes: it is a source.
        let cm = report.built.iter().find(|b| b.name == "icd10cm").unwrap();
        let sources: Vec<&str> = cm
            .sources
            .iter()
            .map(|s| Path::new(s).file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(
            sources,
            [
                "icd10cm_order_2025.txt",
                "icd10cm_order_2026.txt",
                "icd10cm_tabular_2027.xml"
            ]
        );
    }

    #[test]
    fn tabular_xml_adds_notes_to_order_files() {
        let (_dir, _, sets) = build("cms");
        let cm = sets.get(System::Icd10Cm).unwrap();
        // Codes, validity and titles are the order files'.
        assert_eq!(cm.rows(), 5);
        assert!(!cm.contains("S72001A"));
        assert!(
            cm.release().contains("icd10cm_tabular_2027.xml"),
            "{}",
            cm.release()
        );
        let notes = cm.notes("E119");
        let on: Vec<(&str, NoteKind)> = notes.iter().map(|n| (n.on.as_str(), n.kind)).collect();
        // By node nearest first, then by kind as generate.py writes notes.tsv.
        assert_eq!(
            on,
            [
                ("E11", NoteKind::Excludes1),
                ("E11", NoteKind::Excludes1),
                ("E11", NoteKind::Excludes1),
                ("E11", NoteKind::UseAdditional),
                ("E11", NoteKind::UseAdditional),
                ("E08-E13", NoteKind::Excludes2),
                ("E00-E89", NoteKind::Excludes1),
            ]
        );
        let e10 = notes
            .iter()
            .find(|n| {
                n.kind == NoteKind::Excludes1 && n.targets == [CodePattern::Prefix("E10".into())]
            })
            .unwrap();
        assert_eq!(e10.on, "E11");
        assert_eq!(e10.text, "type 1 diabetes mellitus (E10.-)");
        assert_eq!(notes[1].targets, [CodePattern::Prefix("O244".into())]);
        assert!(
            notes[3].targets.is_empty(),
            "code to identify control using:"
        );
        assert_eq!(notes[4].targets, [CodePattern::Exact("Z794".into())]);
        assert_eq!(
            notes[6].targets,
            [CodePattern::Range("P70".into(), "P74".into())]
        );
        // Includes, inclusion terms and the introduction are not edits.
        assert!(notes.iter().all(|n| !n.text.contains("E99")), "{notes:?}");

        assert_eq!(
            cm.excluded_by("E119", "E109"),
            Some(("E11".into(), "type 1 diabetes mellitus (E10.-)".into()))
        );
        assert_eq!(
            cm.excluded_by("E119", "E0800").map(|(on, _)| on),
            Some("E11".into())
        );
        assert_eq!(
            cm.excluded_by("E119", "P702").map(|(on, _)| on),
            Some("E00-E89".into())
        );
        assert!(cm.excluded_by("E119", "O2441").is_some());
        assert!(cm.excluded_by("E119", "Z794").is_none(), "use additional");
        assert!(cm.excluded_by("E119", "O2401").is_none(), "excludes2");

        let seventh = vec![
            ('A', "initial encounter for closed fracture".to_string()),
            (
                'B',
                "initial encounter for open fracture type I or II <gustilo>".to_string(),
            ),
            ('S', "sequela".to_string()),
        ];
        assert_eq!(cm.seventh("S72001A"), seventh);
        assert_eq!(cm.seventh("S72"), seventh);
        assert!(cm.seventh("E119").is_empty());
        assert!(
            cm.notes("S72001A")
                .iter()
                .any(|n| n.on == "S72" && n.targets == [CodePattern::Prefix("S82".into())])
        );
    }

    /// A directory holding `files` (name, content), built.
    fn build_files(
        files: &[(&str, &str)],
    ) -> Result<(tempfile::TempDir, BuildReport), CodesetError> {
        let dir = tempfile::tempdir().unwrap();
        for (name, content) in files {
            std::fs::write(dir.path().join(name), content).unwrap();
        }
        let out = tempfile::tempdir().unwrap();
        let report = build_dir(dir.path(), out.path())?;
        Ok((out, report))
    }

    fn tabular_fixture() -> String {
        std::fs::read_to_string(fixtures("cms/icd10cm_tabular_2027.xml")).unwrap()
    }

    #[test]
    fn tabular_xml_alone_gives_codes() {
        let xml = tabular_fixture();
        let (out, report) = build_files(&[("icd10cm-tabular-2027.xml", &xml)]).unwrap();
        assert_eq!(report.built.len(), 1);
        assert_eq!(report.built[0].name, "icd10cm");
        let sets = CodeSets::load_dir(out.path()).unwrap();
        let cm = sets.get(System::Icd10Cm).unwrap();
        assert_eq!(
            cm.prefix(""),
            [
                "E11", "E119", "S72", "S720", "S7200", "S72001", "S72001A", "S72001B", "S72001S"
            ]
        );
        let fy = date(2026, 10, 1);
        assert_eq!(cm.coverage_from(), Some(fy));
        assert_eq!(cm.coverage_through(), Some(date(2027, 9, 30)));
        assert!(!cm.lookup("E11", fy).record.unwrap().billable);
        assert!(
            !cm.lookup("S72001", fy).record.unwrap().billable,
            "takes a 7th character"
        );
        let e119 = cm.lookup("E119", fy);
        assert_eq!(e119.status, Status::Valid);
        let r = e119.record.unwrap();
        assert!(r.billable);
        assert_eq!(
            r.long_title,
            "Type 2 diabetes mellitus without complications"
        );
        let a = cm.lookup("S72001A", fy).record.unwrap();
        assert!(a.billable);
        assert_eq!(
            a.long_title,
            "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
        );
        assert_eq!(cm.seventh("S72001B").len(), 3);
        assert!(cm.excluded_by("E119", "E109").is_some());
        assert_eq!(
            cm.lookup("E119", D).status,
            Status::BeforeCoverage { from: fy }
        );
    }

    #[test]
    fn tabular_xml_by_root_element() {
        let xml = tabular_fixture().replace("<version>2027</version>", "<version>2026</version>");
        let (out, report) = build_files(&[
            ("list.xml", &xml),
            ("other.xml", "<?xml version=\"1.0\"?>\n<catalog/>\n"),
        ])
        .unwrap();
        assert_eq!(report.built.len(), 1);
        assert_eq!(report.skipped.len(), 1);
        assert!(report.skipped[0].ends_with("other.xml"));
        let sets = CodeSets::load_dir(out.path()).unwrap();
        let cm = sets.get(System::Icd10Cm).unwrap();
        assert_eq!(
            cm.coverage_from(),
            Some(date(2025, 10, 1)),
            "year from <version>"
        );
        // Without a year in the name or `<version>`, the date must be given.
        let bare = tabular_fixture().replace("<version>2027</version>", "");
        let e = build_files(&[("list.xml", &bare)]).unwrap_err();
        assert!(matches!(e, CodesetError::NoEffectiveDate { .. }), "{e}");
    }

    #[test]
    fn malformed_tabular_xml_names_file_and_line() {
        let name = "icd10cm_tabular_2027.xml";
        let fail = |xml: &str| -> (usize, String) {
            let e = build_files(&[(name, xml)]).unwrap_err();
            let CodesetError::Source {
                path,
                line,
                message,
            } = &e
            else {
                panic!("expected a source error, got {e}");
            };
            assert!(path.ends_with(name), "{e}");
            assert!(e.to_string().contains(&format!("{name}`:{line}: ")), "{e}");
            (*line, message.clone())
        };
        let head = "<?xml version=\"1.0\"?>\n<ICD10CM.tabular>\n  <chapter>\n    <name>1</name>\n";
        // A mismatched end tag.
        let (line, m) = fail(&format!(
            "{head}    <desc>x (A00-B99)</dsc>\n  </chapter>\n</ICD10CM.tabular>\n"
        ));
        assert_eq!(line, 5, "{m}");
        assert!(m.contains("not well-formed XML"), "{m}");
        // The file ends inside a tag.
        let (line, _) = fail(&format!("{head}    <section id=\"A00-A09\"\n"));
        assert_eq!(line, 5);
        // The file ends with elements open: the innermost is named.
        let cut: String = tabular_fixture()
            .lines()
            .take(28)
            .collect::<Vec<_>>()
            .join("\n");
        let (line, m) = fail(&cut);
        assert_eq!(line, 26, "{m}");
        assert!(m.contains("`<diag>` is never closed"), "{m}");
        // An unknown entity.
        let (line, m) = fail(&format!(
            "{head}    <desc>x &bogus; (A00-B99)</desc>\n  </chapter>\n</ICD10CM.tabular>\n"
        ));
        assert_eq!(line, 5);
        assert!(m.contains("&bogus;"), "{m}");
        // Well-formed, but not what the tabular list holds.
        let (line, m) = fail("<?xml version=\"1.0\"?>\n\n<catalog/>\n");
        assert_eq!(line, 3);
        assert!(m.contains("root element"), "{m}");
        let (line, m) = fail(&format!(
            "{head}    <section id=\"A00-A09\">\n      <diag>\n        <desc>no name</desc>\n      </diag>\n    </section>\n  </chapter>\n</ICD10CM.tabular>\n"
        ));
        assert_eq!(line, 6, "{m}");
        assert!(m.contains("without a `<name>`"), "{m}");
        let (line, m) = fail(&format!(
            "{head}    <section id=\"A00-A09\">\n      <diag><name>A00</name></diag>\n      <diag><name>A00</name></diag>\n    </section>\n  </chapter>\n</ICD10CM.tabular>\n"
        ));
        assert_eq!(line, 7, "{m}");
        assert!(m.contains("listed twice (first at line 6)"), "{m}");
        let (line, m) = fail(&format!(
            "{head}    <section id=\"S00-S09\">\n      <diag><name>S00</name>\n        <sevenChrDef><extension>x</extension></sevenChrDef>\n      </diag>\n    </section>\n  </chapter>\n</ICD10CM.tabular>\n"
        ));
        assert_eq!(line, 7, "{m}");
        assert!(m.contains("`char`"), "{m}");
    }

    #[test]
    fn icd10cm_order_files_make_history() {
        let (_dir, _, sets) = build("cms");
        let cm = sets.get(System::Icd10Cm).unwrap();
        assert_eq!(cm.coverage_through(), Some(date(2026, 9, 30)));
        let e119 = cm.get("E119").unwrap();
        assert_eq!(e119.validity.len(), 1, "same row both years merges");
        assert_eq!(e119.validity[0].from, date(2024, 10, 1));
        assert_eq!(e119.validity[0].to, None);
        // B880 billable in FY2025, header in FY2026.
        assert!(cm.lookup("B880", date(2025, 1, 1)).record.unwrap().billable);
        assert!(!cm.lookup("B880", D).record.unwrap().billable);
        assert_eq!(
            cm.lookup("B8801", date(2025, 1, 1)).status,
            Status::NotYetValid {
                from: date(2025, 10, 1)
            }
        );
        assert_eq!(cm.children("B880", Some(D)), ["B8801"]);
        let pcs = sets.get(System::Icd10Pcs).unwrap();
        assert!(pcs.get("0016070").unwrap().billable);
        assert!(!pcs.get("001").unwrap().billable);
    }

    #[test]
    fn hcpcs_anweb() {
        let (_dir, _, sets) = build("cms");
        let h = sets.get(System::Hcpcs).unwrap();
        assert_eq!(h.coverage_through(), Some(date(2026, 6, 30)));
        let j = h.get("J7999").unwrap();
        assert!(j.long_title.ends_with("goes on and on to a second line"));
        assert_eq!(j.short_title, "Compounded drug, noc");
        assert_eq!(
            h.lookup("J7999", D).status,
            Status::NoLongerValid {
                until: date(2024, 12, 31)
            }
        );
        assert_eq!(h.get("G0008").unwrap().validity[0].from, date(1993, 1, 1));
        let m = sets.get(System::Modifier).unwrap();
        assert!(m.get("LT").unwrap().long_title.starts_with("Left side"));
    }

    #[test]
    fn ptp_edits_by_date() {
        let (_dir, _, sets) = build("cms");
        let e = sets.ptp("29881", "29877", D).unwrap();
        assert_eq!(e.modifier_indicator, 0);
        assert_eq!(e.effective, date(1996, 1, 1));
        assert_eq!(e.deletion, None);
        assert!(sets.ptp("29877", "29881", D).is_none());
        assert!(
            sets.ptp("36415", "36416", D).is_none(),
            "deleted 2020-12-31"
        );
        let old = sets.ptp("36415", "36416", date(2020, 12, 31)).unwrap();
        assert_eq!(old.deletion, Some(date(2020, 12, 31)));
        assert!(sets.ptp("11042", "97597", date(2014, 12, 31)).is_none());
    }

    #[test]
    fn mue_windows_follow_file_dates() {
        let (_dir, _, sets) = build("cms");
        assert_eq!(sets.mue("36415", date(2026, 2, 1)).unwrap().value, 2);
        let m = sets.mue("36415", date(2026, 4, 1)).unwrap();
        assert_eq!((m.value, m.indicator), (3, 3));
        assert_eq!(sets.mue("J1100", date(2026, 3, 31)).unwrap().value, 100);
        assert!(
            sets.mue("J1100", date(2026, 4, 1)).is_none(),
            "dropped in April"
        );
        assert!(sets.mue("11042", date(2025, 12, 31)).is_none());
    }

    #[test]
    fn addon_primaries_by_date() {
        let (_dir, _, sets) = build("cms");
        let a = sets.addon("11045", D).unwrap();
        assert_eq!(a.kind, 1);
        assert_eq!(a.primaries, ["11042", "11043"]);
        let old = sets.addon("11045", date(2015, 1, 1)).unwrap();
        assert_eq!(old.primaries, ["11042", "11043", "97597"]);
        let t2 = sets.addon("99292", D).unwrap();
        assert_eq!((t2.kind, t2.primaries.len()), (2, 0));
        assert!(sets.addon("11042", D).is_none());
    }

    #[test]
    fn user_cpt() {
        let (_dir, _, sets) = build("cms");
        let cpt = sets.get(System::Cpt).unwrap();
        assert_eq!(cpt.lookup("99213", D).status, Status::Valid);
        assert_eq!(cpt.coverage_through(), None);
    }

    #[test]
    fn mixed_settings_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let src = fixtures("cms/ccipra-v321r0-f1.txt");
        std::fs::copy(&src, dir.path().join("ccipra-v321r0-f1.txt")).unwrap();
        std::fs::copy(&src, dir.path().join("ccioph-v321r0-f1.txt")).unwrap();
        let out = tempfile::tempdir().unwrap();
        let e = build_dir(dir.path(), out.path()).unwrap_err();
        assert!(matches!(e, CodesetError::MixedSettings { .. }), "{e}");
    }

    #[test]
    fn mue_without_date_needs_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            fixtures("cms/MCR_MUE_PractitionerServices_Eff_2026-01-01.csv"),
            dir.path().join("mue_practitioner.csv"),
        )
        .unwrap();
        let out = tempfile::tempdir().unwrap();
        let e = build_dir(dir.path(), out.path()).unwrap_err();
        assert!(matches!(e, CodesetError::NoEffectiveDate { .. }), "{e}");
        let opts = claimscrub::codeset::BuildOptions {
            effective: Some(date(2026, 1, 1)),
        };
        claimscrub::codeset::build_dir_with(dir.path(), out.path(), &opts).unwrap();
        let sets = CodeSets::load_dir(out.path()).unwrap();
        assert_eq!(sets.mue("11042", D).unwrap().value, 1);
    }
}

mod corrupt {
    use super::*;

    fn good() -> Vec<u8> {
        let (dir, _, _) = build("codesets");
        std::fs::read(dir.path().join("icd10cm.csfst")).unwrap()
    }

    fn exercise(sets: &CodeSets) {
        let Some(cm) = sets.get(System::Icd10Cm) else {
            return;
        };
        for code in ["E119", "E11", "A047", "S72001A", "O24410", "ZZZ"] {
            let _ = cm.lookup(code, D).to_string();
            let _ = cm.notes(code);
            let _ = cm.seventh(code);
            let _ = cm.children(code, Some(D));
            let _ = cm.suggest(code, 2);
        }
        let _ = cm.range("A00", "Z99");
    }

    #[test]
    fn wrong_magic() {
        let mut b = good();
        let n = b.len();
        b[n - 1] ^= 0xff;
        let e = CodeSets::from_bytes("x.csfst", b).unwrap_err();
        assert!(matches!(e, CodesetError::BadMagic { .. }), "{e}");
        assert!(e.to_string().contains("`x.csfst`"));
    }

    #[test]
    fn wrong_version() {
        let mut b = good();
        let n = b.len();
        b[n - 12..n - 8].copy_from_slice(&99u32.to_le_bytes());
        let e = CodeSets::from_bytes("x.csfst", b).unwrap_err();
        assert!(
            matches!(
                e,
                CodesetError::Version {
                    found: 99,
                    expected: 3,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn truncated_anywhere() {
        let b = good();
        for cut in [0, 1, 8, 15, 16, 100, b.len() / 2, b.len() - 17, b.len() - 1] {
            assert!(
                CodeSets::from_bytes("x.csfst", b[..cut].to_vec()).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn inconsistent_footer() {
        let b = good();
        let n = b.len();
        // A footer length larger than the file.
        let mut x = b.clone();
        x[n - 16..n - 12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(CodeSets::from_bytes("x.csfst", x).is_err());
        // A footer length one short: the footer no longer parses exactly.
        let mut x = b.clone();
        let flen = u32::from_le_bytes(x[n - 16..n - 12].try_into().unwrap());
        x[n - 16..n - 12].copy_from_slice(&(flen - 1).to_le_bytes());
        assert!(CodeSets::from_bytes("x.csfst", x).is_err());
        // The first section's length pointing past the footer.
        let mut x = b.clone();
        let fstart = n - 16 - flen as usize;
        x[fstart + 16..fstart + 24].copy_from_slice(&u64::MAX.to_le_bytes());
        let e = CodeSets::from_bytes("x.csfst", x).unwrap_err();
        assert!(matches!(e, CodesetError::Corrupt { .. }), "{e}");
    }

    #[test]
    fn random_bytes() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in [0usize, 16, 64, 1000, 5000] {
            let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            assert!(CodeSets::from_bytes("r.csfst", bytes).is_err());
        }
    }

    #[test]
    fn flipped_bytes_never_panic() {
        let b = good();
        let mut seed: u64 = 42;
        for i in 0..400 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mut x = b.clone();
            let at = (seed >> 33) as usize % x.len();
            x[at] ^= (i as u8) | 1;
            if let Ok(sets) = CodeSets::from_bytes("f.csfst", x) {
                exercise(&sets);
            }
        }
    }

    #[test]
    fn load_dir_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.csfst"), b"not a code set at all").unwrap();
        let e = CodeSets::load_dir(dir.path()).unwrap_err();
        assert!(e.to_string().contains("bad.csfst"), "{e}");
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            CodeSets::load_dir(empty.path()).unwrap_err(),
            CodesetError::NoCodeSets { .. }
        ));
    }
}

mod malformed {
    use super::*;

    fn with_file(rel: &str, content: &str) -> CodesetError {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        let out = tempfile::tempdir().unwrap();
        build_dir(dir.path(), out.path()).unwrap_err()
    }

    fn line_of(e: &CodesetError) -> usize {
        match e {
            CodesetError::Source { line, .. } => *line,
            other => panic!("expected a source error, got {other}"),
        }
    }

    #[test]
    fn source_tsv_rows() {
        let h = "code\tbillable\tvalid_from\tvalid_to\tshort_title\tlong_title\n";
        let e = with_file(
            "icd10cm/codes.tsv",
            &format!("{h}E119\t1\t2015-10-01\t\tT\tT\nE11\t1\t2015-13-01\t\tT\tT\n"),
        );
        assert_eq!(line_of(&e), 3);
        assert!(e.to_string().contains("codes.tsv`:3: valid_from"), "{e}");
        let e = with_file("icd10cm/codes.tsv", &format!("{h}E119\t1\t2015-10-01\n"));
        assert_eq!(line_of(&e), 2);
        assert!(
            e.to_string()
                .contains("expected 6 tab-separated fields, found 3")
        );
        let e = with_file(
            "icd10cm/codes.tsv",
            &format!("{h}e11.9\t1\t2015-10-01\t\tT\tT\n"),
        );
        assert!(e.to_string().contains("`e11.9`"), "{e}");
        let e = with_file("icd10cm/codes.tsv", "code\tvalid_from\n");
        assert!(e.to_string().contains("lacks column `valid_to`"), "{e}");
    }

    #[test]
    fn official_rows() {
        let e = with_file(
            "icd10cm_order_2026.txt",
            "00001 E11     2 Type 2 diabetes\n",
        );
        assert_eq!(line_of(&e), 1);
        assert!(e.to_string().contains("column 15"), "{e}");
        let e = with_file(
            "ccipra-v321r0-f1.txt",
            "Column 1\tColumn 2\n11042\t97597\t\t20150101\t*\t1\tok\n11042\t97598\t\t2015-01-01\t*\t1\tbad\n",
        );
        assert_eq!(line_of(&e), 3);
        let e = with_file(
            "MCR_MUE_PractitionerServices_Eff_2026-01-01.csv",
            "\"notice\"\n\"HCPCS/CPT Code\",\"MUE\"\n\"11042\",\"1\",\"2 Policy\",\"x\"\n\"11043\",\"one\",\"2 Policy\",\"x\"\n",
        );
        assert_eq!(line_of(&e), 4);
        let e = with_file("cpt_user.txt", "11042\tok\n1104 2\tbad\n");
        assert_eq!(line_of(&e), 2);
    }
}

mod shipped {
    use super::*;

    /// The embedded sets, when the real data was present at build time.
    fn real() -> Option<CodeSets> {
        let sets = CodeSets::builtin().unwrap();
        let cm = sets.get(System::Icd10Cm)?;
        (cm.len() > 50_000).then_some(sets)
    }

    #[test]
    fn a_user_release_from_order_files_keeps_the_shipped_notes() {
        let Some(shipped) = real() else { return };
        // The order files alone (the `cms` fixture also holds a tabular XML, whose notes would
        // be the user's own).
        let src = tempfile::tempdir().unwrap();
        for name in ["icd10cm_order_2025.txt", "icd10cm_order_2026.txt"] {
            std::fs::copy(fixtures("cms").join(name), src.path().join(name)).unwrap();
        }
        let out = tempfile::tempdir().unwrap();
        build_dir(src.path(), out.path()).unwrap();
        let user = CodeSets::load_dir(out.path()).unwrap();
        let sets = shipped.overlay(user);
        let cm = sets.get(System::Icd10Cm).unwrap();
        // Codes and validity are the user's: a code only the shipped set has is unknown.
        assert!(cm.contains("E119"));
        assert!(!cm.contains("O80"));
        // Notes still come from the shipped tabular list.
        let notes = cm.notes("E119");
        assert!(
            notes
                .iter()
                .any(|n| n.kind == NoteKind::Excludes1 && n.on == "E11"),
            "{notes:?}"
        );
        assert!(cm.excluded_by("E119", "E109").is_some());
    }

    #[test]
    fn builtin_always_loads() {
        let sets = CodeSets::builtin().unwrap();
        for i in sets.info() {
            assert!(i.source.starts_with("builtin"));
        }
    }

    fn valid_count(set: &claimscrub::codeset::CodeSet, d: Date, billable_only: bool) -> usize {
        set.prefix("")
            .iter()
            .filter(|c| {
                let l = set.lookup(c, d);
                l.status == Status::Valid
                    && (!billable_only || l.record.is_some_and(|r| r.billable))
            })
            .count()
    }

    #[test]
    fn counts() {
        let Some(sets) = real() else { return };
        let cm = sets.get(System::Icd10Cm).unwrap();
        assert_eq!((cm.len(), cm.rows()), (98_980, 99_391));
        assert_eq!(valid_count(cm, D, true), 74_719);
        let pcs = sets.get(System::Icd10Pcs).unwrap();
        assert_eq!(pcs.len(), 82_508);
        assert_eq!(valid_count(pcs, D, false), 79_115);
        let h = sets.get(System::Hcpcs).unwrap();
        assert_eq!((h.len(), h.rows()), (9_076, 11_569));
        assert_eq!(valid_count(h, date(2026, 4, 1), false), 8_256);
        // 414 from the I/OCE plus 64 ambulance origin/destination modifiers.
        assert_eq!(sets.get(System::Modifier).unwrap().len(), 478);
        assert_eq!(sets.get(System::Pos).unwrap().len(), 51);
        assert!(sets.get(System::Cpt).is_none(), "CPT is never shipped");
    }

    #[test]
    fn coverage_edges() {
        let Some(sets) = real() else { return };
        let h = sets.get(System::Hcpcs).unwrap();
        let old = date(2006, 10, 3);
        // Present since the history's first quarter: open start, valid before it too.
        assert_eq!(h.lookup("G0008", old).status, Status::Valid);
        // Unknown before the history starts: cannot judge, not invalid.
        assert_eq!(
            h.lookup("J1550", old).status,
            Status::BeforeCoverage {
                from: date(2019, 7, 1)
            }
        );
        let m = sets.get(System::Modifier).unwrap();
        assert_eq!(m.lookup("RH", date(2026, 6, 1)).status, Status::Valid);
    }

    #[test]
    fn goldens() {
        let Some(sets) = real() else { return };
        let cm = sets.get(System::Icd10Cm).unwrap();
        assert_eq!(cm.coverage_through(), Some(date(2027, 3, 31)));
        let e11 = cm.lookup("E11", D);
        assert_eq!(e11.status, Status::Valid);
        assert!(!e11.record.unwrap().billable);
        let kids = cm.children("E11", Some(D));
        assert_eq!(kids.len(), 87);
        assert!(kids.contains(&"E119".to_string()));
        assert_eq!(cm.lookup("E119", D).status, Status::Valid);
        assert_eq!(
            cm.lookup("H4011X0", D).status,
            Status::NoLongerValid {
                until: date(2016, 9, 30)
            }
        );
        assert_eq!(
            cm.lookup("C7831", D).status,
            Status::NotYetValid {
                from: date(2026, 10, 1)
            }
        );
        // Excludes1: E11 excludes E10.-, inherited by E11.9.
        assert!(
            cm.notes("E119")
                .iter()
                .any(|n| n.kind == NoteKind::Excludes1
                    && n.on == "E11"
                    && n.targets == [CodePattern::Prefix("E10".into())])
        );
        let o = cm.get("O0000").unwrap().attributes;
        assert_eq!(o.sex, Some(CodeSex::Female));
        assert_eq!(o.age_group, Some(AgeGroup::Maternity));
        assert_eq!((o.age_low, o.age_high), (Some(9), Some(64)));
        assert_eq!(
            cm.get("P546").unwrap().attributes.sex,
            Some(CodeSex::Female)
        );
        assert_eq!(
            cm.get("A33").unwrap().attributes.age_group,
            Some(AgeGroup::Newborn)
        );
        assert_eq!(cm.seventh("S72001A").len(), 16);
        assert_eq!(
            cm.lookup("E119", date(2027, 5, 1)).status,
            Status::Stale {
                through: date(2027, 3, 31)
            }
        );
        let h = sets.get(System::Hcpcs).unwrap();
        assert_eq!(
            h.lookup("G0008", date(2026, 12, 1)).status,
            Status::Stale {
                through: date(2026, 6, 30)
            }
        );
        assert!(cm.suggest("E1190", 1).contains(&"E119".to_string()));
    }

    /// Excludes1 notes of the shipped set: how many read exactly, after a qualifier, or not
    /// at all (the census in `src/codeset/qualifier.rs`).
    #[test]
    fn excludes1_census() {
        let Some(sets) = real() else { return };
        let cm = sets.get(System::Icd10Cm).unwrap();
        let c = cm.excludes1_census();
        let reasons = |r: Unresolved| c.unresolved.iter().filter(|n| n.reason == r).count();
        assert_eq!(
            (
                c.exact,
                c.qualified,
                reasons(Unresolved::Header),
                reasons(Unresolved::NoCodes),
                reasons(Unresolved::Qualifier)
            ),
            (5229, 47, 54, 74, 2),
            "{:#?}",
            c.unresolved
        );
        assert_eq!(c.exact + c.qualified + c.unresolved.len(), 5406);
    }

    /// G63's "diabetes mellitus (E08-E13 with .42)" excludes the `.42` codes only.
    #[test]
    fn qualified_excludes1() {
        let Some(sets) = real() else { return };
        let cm = sets.get(System::Icd10Cm).unwrap();
        assert_eq!(cm.excluded_by("G63", "E119"), None);
        assert_eq!(cm.excluded_by("G63", "E1140"), None);
        for c in ["E0842", "E0942", "E1042", "E1142", "E1342"] {
            assert_eq!(
                cm.excluded_by("G63", c),
                Some(("G63".into(), "diabetes mellitus (E08-E13 with .42)".into())),
                "{c}"
            );
        }
        // B27.0-B27.9 with fifth character 1; A37 with fifth-character 1 (J17).
        assert!(cm.excluded_by("G63", "B2701").is_some());
        assert!(cm.excluded_by("G63", "B2709").is_none());
        assert!(cm.excluded_by("J17", "A3701").is_some());
        assert!(cm.excluded_by("J17", "A3700").is_none());
        // An unresolved qualifier never fires: S52 "with open fracture 7th character".
        assert!(cm.excluded_by("S51011A", "S52001B").is_none());
    }

    /// Differential: over diagnosis pairs drawn from the set, `excluded_by` fires exactly on
    /// the codes the resolved notes take, listed through the fst (`matching`) and narrowed.
    #[test]
    fn excluded_by_agrees_with_expanded_targets() {
        let Some(sets) = real() else { return };
        let cm = sets.get(System::Icd10Cm).unwrap();
        let all = cm.prefix("");
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let (mut pairs, mut fired) = (0, 0);
        for step in 0..1500 {
            // Every qualified note's code, then a spread over the whole set.
            let a = match step {
                0 => "G63".to_string(),
                1 => "I738".to_string(),
                2 => "R4701".to_string(),
                _ => all[next(all.len())].clone(),
            };
            let mut take = std::collections::BTreeSet::new();
            let mut near = Vec::new();
            for n in cm
                .notes(&a)
                .iter()
                .filter(|n| n.kind == NoteKind::Excludes1)
            {
                let stored: Vec<String> = n.targets.iter().map(ToString::to_string).collect();
                let how = Resolution::of(&stored.join(","), &n.text);
                for (p, s) in n.targets.iter().zip(&stored) {
                    let under = match (p, &how) {
                        (
                            CodePattern::Exact(c),
                            Resolution::At { .. } | Resolution::EndsWith(_),
                        ) => cm.prefix(c),
                        _ => cm.matching(p),
                    };
                    for c in under {
                        if how.matches(&Target::of(s), &c) {
                            take.insert(c.clone());
                        }
                        near.push(c);
                    }
                }
            }
            let mut others: Vec<String> = (0..4).map(|_| all[next(all.len())].clone()).collect();
            for _ in 0..8 {
                if !near.is_empty() {
                    others.push(near[next(near.len())].clone());
                }
            }
            others.extend(take.iter().take(3).cloned());
            for b in others {
                pairs += 1;
                let got = cm.excluded_by(&a, &b).is_some();
                fired += usize::from(got);
                assert_eq!(got, take.contains(&b), "{a} {b}");
            }
        }
        assert!(
            pairs > 10_000 && fired > 100,
            "{pairs} pairs, {fired} fired"
        );
    }
}
