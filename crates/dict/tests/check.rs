//! `dyad dict check` lints.

mod common;

use common::load_all;
use dyad_dict::{Dialect, Kind, Severity};

#[test]
fn reports_overlaps_duplicates_codes_and_empty_entries() {
    let actors = "\
Mark Rutte
  = NLDGOV 2010-10-14..2024-07-01
  = IGOWSTNAT 2024-01-01..
Bloomberg
  + Bloomberg News
  = USAMED
Bloomberg LP
  + Bloomberg News
  = USABUS
Nobody
Ghost Ministry
  = XYZGOV
  = usa
";
    let text = actors.replace("  = usa\n", "");
    let l = load_all(&[("x.actors", &text, Kind::Actors, Dialect::Dyad, 0)]).unwrap();
    let found: Vec<String> = dyad_dict::check(&l.set).iter().map(|d| d.short()).collect();
    assert_eq!(
        found,
        [
            "x.actors:3: error: `Mark Rutte`: IGOWSTNAT 2024-01-01.. overlaps NLDGOV 2010-10-14..2024-07-01 (line 2)",
            "x.actors:8: error: phrase `bloomberg news` of `Bloomberg LP` also names `Bloomberg` (x.actors:5) with \
             different codes; the first listed is tried first",
            "x.actors:10: warning: `Nobody` has no code: the name is recognised but never coded",
            "x.actors:12: error: unknown country or international code `XYZ` in `XYZGOV` of `Ghost Ministry`",
        ]
    );
    // Compiling refuses the overlap (a format rule), naming file and line.
    let err = dyad_dict::compile(&l.set).unwrap_err().to_string();
    assert_eq!(
        err,
        "error: x.actors:3: role IGOWSTNAT 2024-01-01.. of `Mark Rutte` overlaps role NLDGOV 2010-10-14..2024-07-01 (line 2)"
    );
}

#[test]
fn legacy_overlaps_are_warnings_and_layers_may_repeat_names() {
    let legacy = "MARK_RUTTE_ [NLDELI]\n\t[NLDGOV 20100109-20100112]\n\t[NLDGOVEDU 20080120-20121109]\n";
    let current = "Mark Rutte\n  = IGOWSTNAT 2024-10-01..\n";
    let l = load_all(&[
        ("PETR.actors.txt", legacy, Kind::Actors, Dialect::Petrarch, 0),
        ("current.actors", current, Kind::Actors, Dialect::Dyad, 1),
    ])
    .unwrap();
    let found = dyad_dict::check(&l.set);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(
        found[0].short(),
        "PETR.actors.txt:3: warning: `MARK RUTTE`: [NLDGOVEDU 20080120-20121109] overlaps [NLDGOV 20100109-20100112] \
         (line 2); the first listed wins"
    );
    assert!(dyad_dict::compile(&l.set).is_ok());
}

#[test]
fn tabari_stems_that_shadow_other_entries() {
    let l = load_all(&[(
        "T.actors",
        "ARGENTIN [ARG]\nARGENTINA_TEAM_ [ARGSPT]\nARGENTINE_ [XXX]\n",
        Kind::Actors,
        Dialect::Tabari,
        0,
    )])
    .unwrap();
    let found: Vec<String> = dyad_dict::check(&l.set).iter().map(|d| d.short()).collect();
    assert!(
        found.contains(&"T.actors:3: warning: `argentine` of `ARGENTINE` is also matched by the stem `argentin*` of `ARGENTIN*` (T.actors:1)".to_string()),
        "{found:#?}"
    );
}
