//! Running a suite: its dictionaries through `dyad-dict`, every record's raw
//! text through the coder with the options in force at that point of the
//! file, the outcomes scored ([`super::score`]).

use std::path::Path;

use crate::coder::{Coder, Scratch, Verdict};
use crate::error::{Error, Result};
use crate::lexicon::Lexicon;

use super::score::{Outcome, Report, Scorer};
use super::{Dialect, DiscardKind, Item, Suite, Triple};

/// Loads the dictionaries a suite names into a lexicon: the TABARI project's
/// files, or the PETRARCH configuration's actor, verb, agent and discard files.
pub fn suite_lexicon(suite: &Suite) -> Result<Lexicon> {
    let path = suite.path.as_path();
    let err = |e: dyad_dict::Error| Error::Suite { path: path.to_path_buf(), message: e.to_string() };
    let mut loaded = dyad_dict::Loaded::default();
    match suite.dialect {
        Dialect::Tabari => dyad_dict::load_path(path, 0, &mut loaded).map_err(err)?,
        Dialect::Petrarch => {
            let f = &suite.files;
            for file in f.actors.iter().chain(&f.verbs).chain(&f.agents).chain(&f.discards) {
                dyad_dict::load_path(file, 0, &mut loaded).map_err(err)?;
            }
        }
    }
    Ok(crate::from_dict::build(&loaded.set))
}

/// `PREFIX-NNN-SSS`: the story and sentence number of a record id.
fn story_seq(id: &str) -> Option<(&str, u32)> {
    let (story, seq) = id.rsplit_once('-')?;
    Some((story, seq.parse().ok()?))
}

/// Runs a suite file (a TABARI `.project` or a PETRARCH validation XML).
pub fn run_suite(path: &Path) -> Result<Report> {
    let suite = Suite::load(path)?;
    let lex = suite_lexicon(&suite)?;
    Ok(run_loaded(&suite, &lex, &path.display().to_string()))
}

/// Runs a loaded suite with a lexicon.
pub fn run_loaded(suite: &Suite, lex: &Lexicon, name: &str) -> Report {
    let mut options = suite.options.clone();
    let mut scorer = Scorer::new(suite.dialect, name);
    let mut scratch = Scratch::default();
    let mut prev_id = String::new();
    for item in &suite.items {
        match item {
            Item::Options { changes, .. } => {
                for c in changes {
                    options.apply(c);
                }
            }
            Item::Record(r) => {
                let coder = Coder::new(lex, &options);
                // Consecutive sentences of one story: pronouns may refer back.
                let forward = match (story_seq(&prev_id), story_seq(&r.id)) {
                    (Some((a, x)), Some((b, y))) => a == b && y == x + 1,
                    _ => false,
                };
                prev_id.clone_from(&r.id);
                // PETRARCH rejects a record whose supplied parse is malformed.
                if let Some(p) = &r.parse {
                    if p.matches('(').count() != p.matches(')').count() {
                        scorer.add(r, Outcome::Error("bad_input_parse".into()));
                        continue;
                    }
                }
                let v = coder.code(&r.text, 0, r.text.len(), r.date, forward, &mut scratch);
                let outcome = match v {
                    Verdict::Events(evs) => Outcome::Events(
                        evs.iter().map(|e| Triple::new(&e.source, &e.target, &e.code)).collect(),
                    ),
                    Verdict::TooShort { .. } => Outcome::Events(Vec::new()),
                    Verdict::Complex(c) => Outcome::Complex(c),
                    Verdict::Discard { story, reason } => Outcome::Discard {
                        kind: match (suite.dialect, story) {
                            (Dialect::Tabari, _) => DiscardKind::Any,
                            (_, true) => DiscardKind::Story,
                            (_, false) => DiscardKind::Sentence,
                        },
                        reason,
                    },
                    Verdict::Error(e) => Outcome::Error(e),
                };
                scorer.add(r, outcome);
            }
        }
    }
    scorer.finish()
}
