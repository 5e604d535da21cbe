//! The ratchet for the analysis models: tagging, lemmas and parsing on UD
//! English EWT test and names on UNER English EWT test must stay at or above
//! the `[nlp]` figures of `ratchet.toml` at the repository root. Needs the
//! treebanks in `../shared` beside the repository; without them the test
//! prints a notice and passes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dyad_nlp::{conllu, ner, pipeline, tagger, train};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `[nlp]` entries of `ratchet.toml`: key → value, quotes removed.
fn figures() -> BTreeMap<String, String> {
    let text =
        std::fs::read_to_string(repo().join("ratchet.toml")).expect("ratchet.toml at the repository root");
    let mut in_nlp = false;
    let mut out = BTreeMap::new();
    for line in text.lines().map(|l| l.split('#').next().unwrap_or("").trim()) {
        if line.starts_with('[') {
            in_nlp = line == "[nlp]";
        } else if let (true, Some((k, v))) = (in_nlp, line.split_once('=')) {
            out.insert(k.trim().to_string(), v.trim().trim_matches('"').to_string());
        }
    }
    out
}

fn floor(f: &BTreeMap<String, String>, key: &str) -> f64 {
    let v = f.get(key).unwrap_or_else(|| panic!("ratchet.toml [nlp] has no {key}"));
    v.parse().unwrap_or_else(|_| panic!("ratchet.toml [nlp] {key} = {v} is not a number"))
}

/// Compares figures (rounded to two decimals, as `dyad eval` prints them).
fn check(f: &BTreeMap<String, String>, got: &[(&str, f64)]) -> Vec<String> {
    let mut bad = Vec::new();
    for &(key, value) in got {
        let value = (value * 100.0).round() / 100.0;
        let want = floor(f, key);
        eprintln!("{key}: {value:.2} (floor {want:.2})");
        if value + 1e-9 < want {
            bad.push(format!("{key}: {value:.2} < {want:.2}"));
        }
    }
    bad
}

#[test]
fn analysis_models_hold_their_figures() {
    let f = figures();
    let ewt = repo().join(&f["ewt.file"]);
    let uner = repo().join(&f["uner.file"]);
    if !ewt.is_file() || !uner.is_file() {
        eprintln!("ratchet skipped: {} or {} is not there", ewt.display(), uner.display());
        return;
    }
    let models = pipeline::Models::load(&repo().join("models")).expect("models/");
    let gold = conllu::read_file(&ewt).expect("EWT test");
    let acc = tagger::evaluate(&models.tagger, Some(&models.lemmatizer), &gold);
    let parse = models.parser.evaluate(&train::retag(&models.tagger, gold));
    let names = ner::Ner::load(&repo().join("models").join(pipeline::NER_FILE)).expect("models/ner.bin");
    let found = ner::evaluate(&names, &ner::read_iob2(&uner).expect("UNER test"));
    let bad = check(
        &f,
        &[
            ("ewt.upos", acc.upos_pct()),
            ("ewt.xpos", acc.xpos_pct()),
            ("ewt.lemma", acc.lemma_pct()),
            ("ewt.uas", parse.uas()),
            ("ewt.las", parse.las()),
            ("uner.f1", 100.0 * found.overall.f1()),
        ],
    );
    assert!(bad.is_empty(), "the analysis models got worse than ratchet.toml says:\n{}", bad.join("\n"));
}
