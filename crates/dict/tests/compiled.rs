//! The compiled file: round trip, corrupt input, atomic writes.

mod common;

use common::{load_all, tempdir};
use dyad_dict::{Dialect, Dictionary, Error, Kind};

const PEOPLE: &str = include_str!("fixtures/current/people.actors");
const VERBS: &str = "synset &CURRENCY\n  + dollar\n  + dollars\n\nblock GRANT = 070\n  verb give | gives | gave | given\n  \
                     verb +hand over | +handed over\n  - * &CURRENCY = 071  money\n  - * (TO {MILITARY AID}) = 072\n";

fn sample() -> Vec<u8> {
    let l = load_all(&[
        ("people.actors", PEOPLE, Kind::Actors, Dialect::Dyad, 0),
        ("roles.agents", "President\n  + Presidents\n  = ~GOV\n", Kind::Agents, Dialect::Dyad, 0),
        ("cameo.verbs", VERBS, Kind::Verbs, Dialect::Dyad, 0),
        ("x.discards", "sentence world cup\n", Kind::Discards, Dialect::Dyad, 0),
        ("x.issues", "category C\n  nuclear weapons = NUKES\n", Kind::Issues, Dialect::Dyad, 0),
        ("x.words", "about\n", Kind::Prepositions, Dialect::Dyad, 0),
    ])
    .unwrap();
    dyad_dict::compile(&l.set).unwrap()
}

#[test]
fn round_trip() {
    let bytes = sample();
    assert_eq!(&bytes[..8], b"DYADDICT");
    assert_eq!(u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]), 1);
    let d = Dictionary::from_bytes(bytes.clone(), "t.dyd").unwrap();
    let s = d.stats();
    assert_eq!((s.actors, s.actor_phrases, s.roles, s.agents, s.agent_phrases), (3, 8, 8, 1, 2));
    assert_eq!((s.verb_blocks, s.verbs, s.verb_forms, s.patterns, s.synsets), (1, 2, 6, 2, 1));
    assert_eq!((s.discards, s.issues, s.bytes), (1, 1, bytes.len()));
    assert!(!d.is_stale());
    assert!(d.is_preposition("About"));
    let files: Vec<&str> = d.files().map(|f| f.name()).collect();
    assert_eq!(files[0], "people.actors");
    // The same sources always give the same bytes.
    assert_eq!(sample(), bytes);
}

#[test]
fn corrupt_and_truncated_files_are_errors_not_panics() {
    let bytes = sample();
    // Every truncation.
    for len in 0..bytes.len() {
        assert!(Dictionary::from_bytes(bytes[..len].to_vec(), "t.dyd").is_err(), "truncated to {len}");
    }
    // Damage in the header and directory, and byte flips all over the file: either an error,
    // or (for bytes that only change string text or raw values) a dictionary whose lookups
    // still do not panic.
    let mut errors = 0;
    for i in (0..bytes.len()).step_by(7) {
        for v in [0u8, 0xff, 0x80] {
            let mut b = bytes.clone();
            if b[i] == v {
                continue;
            }
            b[i] = v;
            match Dictionary::from_bytes(b, "t.dyd") {
                Err(_) => errors += 1,
                Ok(d) => {
                    let mut scratch = dyad_dict::Scratch::default();
                    let mut s = d.sentence(["President", "Donald", "Trump", "gave", "dollars"], &mut scratch);
                    if let Some(m) = s.actor_at(1) {
                        let _ = m.resolve("2020-01-01".parse().unwrap()).explain();
                    }
                    let _ = s.compose(0, 3, "2020-01-01".parse().unwrap());
                    if let Some(v) = s.verb_at(3) {
                        for p in v.verb().block().patterns() {
                            let _ = p.items().count();
                        }
                    }
                    let _ = s.discard();
                    let _ = s.issues();
                }
            }
        }
    }
    assert!(errors > 100, "most damage is detected ({errors})");
    assert!(matches!(
        Dictionary::from_bytes(b"NOTADYAD\x01\0\0\0\0\0\0\0".to_vec(), "x"),
        Err(Error::BadMagic { .. })
    ));
    let mut v2 = bytes.clone();
    v2[8] = 2;
    let e = Dictionary::from_bytes(v2, "old.dyd").unwrap_err();
    assert_eq!(
        e.to_string(),
        "old.dyd: compiled dictionary format version 2, but this dyad reads version 1; rebuild it with `dyad dict compile`"
    );
}

#[test]
fn a_failing_compile_leaves_no_file() {
    let dir = tempdir("atomic");
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("good.actors"), PEOPLE).unwrap();
    std::fs::write(
        src.join("bad.actors"),
        "Mark Rutte\n  = NLDGOV 2010-10-14..2024-07-01\n  = NLDGOV 2024-13-01..\n",
    )
    .unwrap();
    let out = dir.join("out.dyd");
    // A malformed line: the sources do not load, nothing is written.
    let err = dyad_dict::load_layers(std::slice::from_ref(&src)).unwrap_err();
    assert!(err.to_string().contains("bad.actors:3:12: not a real date"), "{err}");
    assert!(!out.exists());
    // A format rule broken (overlapping roles): compile fails, the old output is untouched.
    std::fs::write(&out, b"previous").unwrap();
    std::fs::write(
        src.join("bad.actors"),
        "Mark Rutte\n  = NLDGOV 2010-10-14..2024-07-01\n  = NATO 2024-01-01..\n",
    )
    .unwrap();
    let loaded = dyad_dict::load_layers(std::slice::from_ref(&src)).unwrap();
    let err = dyad_dict::compile_to_file(&loaded.set, &out).unwrap_err();
    assert!(err.to_string().contains("overlaps role NLDGOV 2010-10-14..2024-07-01"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"previous");
    assert!(!dir.join("out.dyd.tmp").exists());
    // And a good compile replaces it.
    std::fs::remove_file(src.join("bad.actors")).unwrap();
    let loaded = dyad_dict::load_layers(&[src]).unwrap();
    dyad_dict::compile_to_file(&loaded.set, &out).unwrap();
    assert!(Dictionary::open(&out).is_ok());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn open_reports_missing_files() {
    let e = Dictionary::open("/nonexistent/dir/x.dyd").unwrap_err();
    assert!(e.to_string().starts_with("/nonexistent/dir/x.dyd: cannot read:"), "{e}");
}
