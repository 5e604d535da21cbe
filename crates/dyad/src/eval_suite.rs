//! `dyad eval`: validation suites and gold records.

use std::path::{Path, PathBuf};

use clap::Subcommand;

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Tagging, lemmas and parsing (gold tokenisation) and segmentation (raw
    /// text) of a CoNLL-U file; print the figures, then a JSON line.
    Parse(crate::eval_parse::ParseArgs),
    /// Name recognition (PER/LOC/ORG spans) against an IOB2 file; print the
    /// figures, then a JSON line.
    Ner(crate::eval_parse::NerArgs),
    /// Run a TABARI project (`Validate.project`) or a PETRARCH validation XML
    /// from the records' raw text; print a per-category table and a JSON line.
    Suite {
        /// The suite file.
        path: PathBuf,
        /// Also list every record that is not exact.
        #[arg(long)]
        misses: bool,
    },
    /// Score a gold record (`*.gold.json`) by the rules in its `about` field;
    /// print misses and false positives, then a JSON line.
    Gold {
        /// The gold file; its document's text is `document.file` beside it.
        path: PathBuf,
        /// Dictionary layers to code with (default: the default layers).
        #[arg(long)]
        dict: Vec<PathBuf>,
    },
}

pub fn run(cmd: EvalCommand) -> anyhow::Result<i32> {
    match cmd {
        EvalCommand::Parse(args) => crate::eval_parse::parse(&args),
        EvalCommand::Ner(args) => crate::eval_parse::ner(&args),
        EvalCommand::Suite { path, misses } => suite(&path, misses),
        EvalCommand::Gold { path, dict } => gold(&path, &dict),
    }
}

fn suite(path: &Path, misses: bool) -> anyhow::Result<i32> {
    let report = dyad_code::suite::run_suite(path)?;
    print!("{}", report.table());
    if misses {
        print!("{}", report.misses());
    }
    println!("{}", report.json());
    Ok(0)
}

fn gold(path: &Path, dict: &[PathBuf]) -> anyhow::Result<i32> {
    use dyad_code::gold::{score_document, Gold, Scores};

    let files: Vec<PathBuf> = if path.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| anyhow::anyhow!("{}: cannot read the directory: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".gold.json"))
            .collect();
        v.sort();
        if v.is_empty() {
            anyhow::bail!("{}: no *.gold.json files", path.display());
        }
        v
    } else {
        vec![path.to_path_buf()]
    };
    let coder = crate::code::Engine::load(&crate::code::layers(dict))?;
    let mut total = Scores::default();
    let mut failed = 0;
    for f in &files {
        let gold = match Gold::load(f) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
                continue;
            }
        };
        let text_path = gold.text_path(f);
        let text = match std::fs::read_to_string(&text_path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {}: cannot read: {e}", text_path.display());
                failed += 1;
                continue;
            }
        };
        let mut doc = dyad_text::Document::new(gold.document.id.clone(), text);
        doc.date = gold.document.date.as_deref().and_then(|d| d.parse().ok());
        let out = coder.code_one(&doc);
        let scores = score_document(&gold, &doc.text, &out);
        if files.len() > 1 {
            for line in scores.listing().lines() {
                println!("{}: {line}", gold.document.id);
            }
        } else {
            print!("{}", scores.listing());
        }
        total.add(&scores);
    }
    print!("{}", total.table());
    println!("{}", total.json(&path.display().to_string()));
    Ok(if failed > 0 { 1 } else { 0 })
}
