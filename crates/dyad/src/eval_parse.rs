//! `dyad eval parse`: tagging, lemmas and parsing on gold tokenisation, and
//! segmentation from the raw text, against a CoNLL-U file.

use std::path::PathBuf;

use anyhow::Context;
use dyad_nlp::{conllu, pipeline::Models, segeval, tagger, train};

#[derive(clap::Args)]
pub struct ParseArgs {
    /// A CoNLL-U file, e.g. ../shared/data/ud/UD_English-EWT/en_ewt-ud-test.conllu.
    file: PathBuf,
    /// The model directory.
    #[arg(long, default_value = "models")]
    models: PathBuf,
}

pub fn parse(args: &ParseArgs) -> anyhow::Result<i32> {
    let models = Models::load(&args.models).with_context(|| format!("loading {}", args.models.display()))?;
    let gold = conllu::read_file(&args.file)?;
    let acc = tagger::evaluate(&models.tagger, Some(&models.lemmatizer), &gold);
    let predicted = train::retag(&models.tagger, gold.clone());
    let parse = models.parser.evaluate(&predicted);
    let parse_gold_tags = models.parser.evaluate(&gold);
    let seg = segeval::evaluate(&gold);
    println!("{}: {} sentences, {} words", args.file.display(), gold.len(), acc.tokens);
    println!(
        "gold tokenisation: UPOS {:.2}  XPOS {:.2}  lemma {:.2}",
        acc.upos_pct(),
        acc.xpos_pct(),
        acc.lemma_pct()
    );
    println!(
        "parse, predicted tags: UAS {:.2}  LAS {:.2}  (universal relations: LAS {:.2})",
        parse.uas(),
        parse.las(),
        parse.las_universal()
    );
    println!("parse, gold tags:      UAS {:.2}  LAS {:.2}", parse_gold_tags.uas(), parse_gold_tags.las());
    println!(
        "raw text: tokens P {:.4} R {:.4} F1 {:.4}; sentences P {:.4} R {:.4} F1 {:.4}",
        seg.tokens.precision(),
        seg.tokens.recall(),
        seg.tokens.f1(),
        seg.sentences.precision(),
        seg.sentences.recall(),
        seg.sentences.f1()
    );
    let round = |x: f64, d: i32| (x * 10f64.powi(d)).round() / 10f64.powi(d);
    println!(
        "{}",
        serde_json::json!({
            "file": args.file.display().to_string(),
            "words": acc.tokens,
            "upos": round(acc.upos_pct(), 2),
            "xpos": round(acc.xpos_pct(), 2),
            "lemma": round(acc.lemma_pct(), 2),
            "uas": round(parse.uas(), 2),
            "las": round(parse.las(), 2),
            "las_universal": round(parse.las_universal(), 2),
            "uas_gold_tags": round(parse_gold_tags.uas(), 2),
            "las_gold_tags": round(parse_gold_tags.las(), 2),
            "token_f1": round(seg.tokens.f1(), 4),
            "sentence_f1": round(seg.sentences.f1(), 4),
        })
    );
    Ok(0)
}

#[derive(clap::Args)]
pub struct NerArgs {
    /// An IOB2 file, e.g. ../shared/data/ud/UNER_English-EWT/en_ewt-ud-test.iob2.
    file: PathBuf,
    /// The model directory.
    #[arg(long, default_value = "models")]
    models: PathBuf,
}

/// `dyad eval ner`: exact-span, exact-type scores of the name recogniser.
pub fn ner(args: &NerArgs) -> anyhow::Result<i32> {
    let path = args.models.join(dyad_nlp::pipeline::NER_FILE);
    let model = dyad_nlp::ner::Ner::load(&path).with_context(|| format!("loading {}", path.display()))?;
    let gold = dyad_nlp::ner::read_iob2(&args.file)?;
    let e = dyad_nlp::ner::evaluate(&model, &gold);
    println!("{}: {} sentences", args.file.display(), gold.len());
    print!("{e}");
    let round = |x: f64| (x * 1e4).round() / 1e4;
    let mut json = serde_json::json!({
        "file": args.file.display().to_string(),
        "f1": round(e.overall.f1()),
        "precision": round(e.overall.precision()),
        "recall": round(e.overall.recall()),
    });
    for k in dyad_nlp::ner::EntityKind::ALL {
        json[format!("f1_{}", k.as_str())] = serde_json::json!(round(e.kind(k).f1()));
    }
    println!("{json}");
    Ok(0)
}
