//! Trains the sentence-boundary model from the raw text of CoNLL-U treebanks
//! and writes it where dyad embeds it.
//!
//! ```sh
//! cargo run --release -p dyad-text --example train-splitter -- \
//!     --train ../shared/data/ud/UD_English-EWT/en_ewt-ud-train.conllu \
//!     --dev ../shared/data/ud/UD_English-EWT/en_ewt-ud-dev.conllu \
//!     --out crates/text/data/sentence-model.bin [--epochs 5] [--bits 17]
//! ```
//!
//! Several `--train` files may be given; `--train-docs FILE PREFIXES` reads
//! only the documents whose id starts with one of the comma-separated
//! prefixes (for GUM, whose documents have different licences). The dev files
//! are only scored.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use dyad_nlp::segeval::{reconstruct, score_doc, SegScores};
use dyad_text::{Segmented, SentenceModel, Trainer};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("train-splitter: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut train = Vec::new();
    let mut dev = Vec::new();
    let mut out = None;
    let mut epochs = 5usize;
    let mut bits = 17u32;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--train" => train.push((PathBuf::from(value()?), Vec::new())),
            "--train-docs" => {
                let path = PathBuf::from(value()?);
                let prefixes = value()?.split(',').map(str::to_string).collect();
                train.push((path, prefixes));
            }
            "--dev" => dev.push(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--epochs" => epochs = value()?.parse().map_err(|e| format!("--epochs: {e}"))?,
            "--bits" => bits = value()?.parse().map_err(|e| format!("--bits: {e}"))?,
            _ => return Err(format!("unknown argument {a:?}")),
        }
    }
    if train.is_empty() {
        return Err("no --train file".into());
    }
    let mut trainer = Trainer::new(bits);
    for (path, prefixes) in &train {
        let sentences = dyad_nlp::conllu::read_file(path).map_err(|e| e.to_string())?;
        let wanted = |id: &str| prefixes.is_empty() || prefixes.iter().any(|p| id.starts_with(p.as_str()));
        for doc in reconstruct(&sentences).into_iter().filter(|d| wanted(&d.id)) {
            let ends: Vec<u32> = doc.sentences.iter().map(|s| s.end).collect();
            trainer.add(&doc.text, &ends);
        }
    }
    let model = Arc::new(trainer.train(epochs));
    eprintln!(
        "{} candidate gaps, {} sentence ends among them, {} sentence ends on no candidate gap",
        trainer.examples, trainer.positives, trainer.unreachable
    );
    eprintln!("{} of {} weights non-zero", model.nonzero(), model.slots());
    for path in train.iter().map(|(p, _)| p).chain(&dev) {
        let sentences = dyad_nlp::conllu::read_file(path).map_err(|e| e.to_string())?;
        let mut seg = Segmented::with_model(model.clone());
        let mut total = SegScores::default();
        for doc in reconstruct(&sentences) {
            seg.segment(&doc.text);
            let s = score_doc(&doc, &seg);
            total.tokens = add(total.tokens, s.tokens);
            total.sentences = add(total.sentences, s.sentences);
        }
        eprintln!("{}\n{total}", path.display());
    }
    if let Some(out) = out {
        let bytes = model.to_bytes();
        SentenceModel::from_bytes(&bytes).map_err(|e| e.to_string())?;
        std::fs::write(&out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;
        eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    }
    Ok(())
}

fn add(a: dyad_nlp::segeval::Prf, b: dyad_nlp::segeval::Prf) -> dyad_nlp::segeval::Prf {
    dyad_nlp::segeval::Prf {
        correct: a.correct + b.correct,
        gold: a.gold + b.gold,
        predicted: a.predicted + b.predicted,
    }
}
