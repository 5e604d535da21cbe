//! Reads the real validation suites from `../shared` (when present) and
//! checks their shape: record counts, expectations, option changes.

use std::path::PathBuf;

use dyad_code::suite::{Expected, Item, Suite};

fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if p.join("data/suites").is_dir() {
        Some(p)
    } else {
        eprintln!("notice: ../shared not found; suite file checks skipped");
        None
    }
}

#[test]
fn reads_the_tabari_suite() {
    let Some(shared) = shared() else { return };
    let suite = Suite::load(&shared.join("data/suites/tabari/Validate.project")).unwrap();
    let records: Vec<_> = suite.records().collect();
    assert_eq!(records.len(), 472, "records before FINAL-01");
    let scored = records.iter().filter(|r| r.scored()).count();
    assert_eq!(scored, 444);
    let events: usize = records
        .iter()
        .filter(|r| r.scored())
        .map(|r| match &r.expected {
            Some(Expected::Events(v)) => v.len(),
            _ => 0,
        })
        .sum();
    assert!(events > 500, "{events} expected events");
    let changes = suite.items.iter().filter(|i| matches!(i, Item::Options { .. })).count();
    assert!(changes >= 20, "{changes} option records");
    assert_eq!(suite.options.min_words, 8);
    assert!(suite.options.complexity.no_actor_prior);
}

#[test]
fn reads_the_petrarch_suite() {
    let Some(shared) = shared() else { return };
    let suite = Suite::load(&shared.join("data/suites/petrarch/PETR.UnitTest.records.xml")).unwrap();
    let records: Vec<_> = suite.records().collect();
    assert_eq!(records.len(), 281);
    assert_eq!(records.iter().filter(|r| r.scored()).count(), 275);
    assert!(records.iter().all(|r| r.parse.is_some()));
    assert_eq!(suite.files.actors.len(), 1);
}
