//! The real dictionaries: the shipped Phoenix, TABARI and PETRARCH files load; the committed
//! `dictionaries/phoenix/` and `dictionaries/default.dyd` are what the tools make of them;
//! the bars of issue 3.

mod common;

use std::path::PathBuf;

use common::{fixtures, repo, shared, tempdir};
use dyad_dict::{DateRule, Dictionary, Scratch};
use dyad_text::{Date, Segmented};

#[test]
fn shipped_phoenix_files_load() {
    let Some(sh) = shared() else { return };
    let l = dyad_dict::load_layers(&[sh.join("data/dictionaries")]).unwrap();
    let s = &l.set;
    assert_eq!(s.files.len(), 8, "{:?}", l.ignored);
    assert_eq!(l.ignored.len(), 2, "LICENSE and dictionaries.rst are not dictionaries");
    assert!(s.actors.len() > 27_000, "{}", s.actors.len());
    assert!(s.agents.len() > 2_200);
    assert_eq!(s.verbs.blocks.len(), 397);
    assert!(s.verbs.blocks.iter().map(|b| b.patterns.len()).sum::<usize>() > 4_500);
    assert_eq!(s.verbs.synsets.len(), 40);
    assert!(s.discards.len() > 500 && s.issues.len() > 3_000 && s.prepositions.len() > 100);
    // Lines the readers had to skip or read with a caveat: warnings, not errors.
    assert!(l.warnings.len() <= 19, "{:#?}", l.warnings);
    assert_eq!(l.fixes.len(), 11);
}

#[test]
fn tabari_and_petrarch_fixtures_load() {
    let Some(sh) = shared() else { return };
    let t = dyad_dict::load_layers(&[sh.join("data/suites/tabari/Validate.project")]).unwrap();
    assert_eq!((t.set.actors.len(), t.set.agents.len(), t.set.verbs.blocks.len()), (120, 86, 283));
    assert_eq!(t.set.verbs.blocks.iter().map(|b| b.patterns.len()).sum::<usize>(), 407);
    assert!(t.warnings.is_empty(), "{:#?}", t.warnings);
    let p = dyad_dict::load_layers(&[sh.join("data/suites/petrarch")]).unwrap();
    assert_eq!((p.set.actors.len(), p.set.agents.len(), p.set.discards.len()), (127, 88, 9));
    assert_eq!(p.set.verbs.blocks.len(), 261);
    assert!(p.warnings.len() <= 3, "{:#?}", p.warnings);
    // Both compile.
    Dictionary::from_set(&t.set).unwrap();
    Dictionary::from_set(&p.set).unwrap();
}

#[test]
fn committed_phoenix_conversion_is_current() {
    let Some(sh) = shared() else { return };
    let out = tempdir("phoenix");
    dyad_dict::import(&[sh.join("data/dictionaries")], &out).unwrap();
    let committed = repo().join("dictionaries/phoenix");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 8);
    for n in names {
        let fresh = std::fs::read_to_string(out.join(&n)).unwrap();
        let mine = std::fs::read_to_string(committed.join(&n)).unwrap_or_default();
        // The header names the source path as given; compare the rest.
        let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
        assert!(
            body(&fresh) == body(&mine),
            "dictionaries/phoenix/{n} is out of date: run \
             `cargo run --release -- dict import ../shared/data/dictionaries --out dictionaries/phoenix`"
        );
    }
    std::fs::remove_dir_all(&out).ok();
}

fn default_layers() -> Vec<PathBuf> {
    let mut layers = vec![repo().join("dictionaries/phoenix"), repo().join("dictionaries/dyad")];
    let current = repo().join("dictionaries/current");
    if current.is_dir() {
        layers.push(current);
    }
    layers
}

#[test]
fn committed_default_dyd_is_current() {
    let loaded = dyad_dict::load_layers(&default_layers()).unwrap();
    let mut set = loaded.set;
    // File names are stored as given; the committed file was built from the repository root.
    for f in &mut set.files {
        let root = repo().display().to_string();
        f.name = f.name.strip_prefix(&format!("{root}/")).unwrap_or(&f.name).to_string();
    }
    let fresh = dyad_dict::compile(&set).unwrap();
    let committed = std::fs::read(repo().join("dictionaries/default.dyd")).unwrap_or_default();
    assert!(
        fresh == committed,
        "dictionaries/default.dyd is out of date: run `cargo run --release -- dict compile dictionaries/phoenix \
         dictionaries/dyad dictionaries/current -o dictionaries/default.dyd`"
    );
    let d = Dictionary::from_bytes(committed, "default.dyd").unwrap();
    assert!(!d.is_stale());
}

fn resolve(d: &Dictionary, text: &str, day: &str) -> (String, String) {
    let mut seg = Segmented::default();
    seg.segment(text);
    let toks: Vec<&str> = seg.tokens.iter().map(|t| t.text(text)).collect();
    let mut scratch = Scratch::default();
    let mut s = d.sentence(&toks, &mut scratch);
    let m = s.actor_at(0).unwrap_or_else(|| panic!("{text}: no match"));
    assert_eq!(m.end(), toks.len());
    let r = m.resolve(day.parse::<Date>().unwrap());
    assert_ne!(r.rule, DateRule::NoRole, "{text} on {day}");
    (r.codes.join("/"), r.actor.origin().file.rsplit('/').next().unwrap_or("").to_string())
}

/// Issue 3's bars, with Phoenix and a current layer in the agreed format.
fn bars(d: &Dictionary, current_file: &str) {
    assert_eq!(resolve(d, "Mark Rutte", "2025-03-14"), ("IGOWSTNAT".into(), current_file.into()));
    assert_eq!(resolve(d, "Mark Rutte", "2015-01-01").0, "NLDGOV");
    assert_eq!(resolve(d, "Donald Trump", "2025-03-14").0, "USAGOV");
    assert_eq!(resolve(d, "Donald Trump", "2019-06-01").0, "USAGOV");
    let (code, _) = resolve(d, "Donald Trump", "2022-06-01");
    assert!(!code.contains("GOV"), "not a government actor in 2022: {code}");
}

#[test]
fn bars_with_phoenix_and_the_fixture_layer() {
    let layers =
        [repo().join("dictionaries/phoenix"), repo().join("dictionaries/dyad"), fixtures().join("current")];
    let d = Dictionary::from_set(&dyad_dict::load_layers(&layers).unwrap().set).unwrap();
    bars(&d, "people.actors");
    // Phoenix alone knows Rutte until mid-2014 only.
    let phoenix = Dictionary::from_set(&dyad_dict::load_layers(&layers[..2]).unwrap().set).unwrap();
    assert_eq!(resolve(&phoenix, "Mark Rutte", "2015-01-01"), ("NLDGOV".into(), "countries.actors".into()));
    // Actors with agents.
    let day: Date = "2025-03-14".parse().unwrap();
    for (text, want) in
        [("Russian President", "RUSGOV"), ("Ukrainian troops", "UKRMIL"), ("US officials", "USAGOV")]
    {
        let toks: Vec<&str> = text.split(' ').collect();
        let mut scratch = Scratch::default();
        let mut s = d.sentence(&toks, &mut scratch);
        assert_eq!(s.compose(0, toks.len(), day).unwrap().code, want, "{text}");
    }
}

#[test]
fn bars_with_the_committed_default_dictionary() {
    if !repo().join("dictionaries/current").is_dir() {
        eprintln!(
            "note: dictionaries/current/ is absent; the default dictionary's bars are checked once it lands"
        );
        return;
    }
    let d = Dictionary::open(repo().join("dictionaries/default.dyd")).unwrap();
    let (_, file) = resolve(&d, "Mark Rutte", "2025-03-14");
    bars(&d, &file);
}
