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
    use dyad_code::gold::{score_events, Gold, Produced};
    use dyad_code::record::Output;

    let gold = Gold::load(path)?;
    let text_path = gold.text_path(path);
    let text = std::fs::read_to_string(&text_path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", text_path.display()))?;
    let mut doc = dyad_text::Document::new(gold.document.id.clone(), text);
    doc.date = gold.document.date.as_deref().and_then(|d| d.parse().ok());
    let coder = crate::code::Engine::load(&crate::code::layers(dict))?;
    let out = coder.code_one(&doc);
    let produced: Vec<Produced> = out
        .iter()
        .filter_map(|o| match o {
            Output::Event(e) => Some(Produced {
                sentence: doc
                    .text
                    .get(e.text_info.start as usize..e.text_info.end as usize)
                    .unwrap_or("")
                    .to_string(),
                source: e.actor.first().map(|a| a.code.clone()).unwrap_or_default(),
                target: e.recipient.first().map(|a| a.code.clone()).unwrap_or_default(),
                cameo: e.cameo.clone(),
                plover: e.event.first().cloned(),
            }),
            _ => None,
        })
        .collect();
    let report = score_events(&gold, &produced);
    print!("{}", report.listing());
    println!("{}", report.json(&path.display().to_string()));
    Ok(0)
}
