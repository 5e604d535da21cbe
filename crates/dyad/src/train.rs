//! `dyad train`: rebuilds the committed models from the UD treebanks.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use dyad_nlp::{conllu, pipeline, tagger, train};

#[derive(clap::Args)]
pub struct TrainArgs {
    /// Which models: `all`, `splitter`, `tagger` (tagger, lemmatiser and the
    /// parser trained on its jackknifed tags), `ner` (the name recogniser).
    #[arg(default_value = "all")]
    what: String,
    /// The Universal Dependencies data (`UD_English-EWT`, `UD_English-GUM`).
    #[arg(long, default_value = "../shared/data/ud")]
    ud: PathBuf,
    /// Where the tagger, lemmatiser and parser go.
    #[arg(long, default_value = "models")]
    out: PathBuf,
    /// The current-actors dictionaries (name lists for the name recogniser).
    #[arg(long, default_value = "dictionaries/current")]
    actors: PathBuf,
    /// Train the parser on jackknifed tags (slower; no measured gain).
    #[arg(long)]
    jackknife: bool,
    /// Where the sentence splitter's model goes (it is compiled into dyad).
    #[arg(long, default_value = "crates/text/data/sentence-model.bin")]
    splitter_out: PathBuf,
}

pub fn run(args: &TrainArgs) -> anyhow::Result<i32> {
    let start = Instant::now();
    let (splitter, models, names) = match args.what.as_str() {
        "all" => (true, true, true),
        "splitter" => (true, false, false),
        "tagger" | "parser" | "models" => (false, true, false),
        "ner" => (false, false, true),
        other => anyhow::bail!("unknown model set {other:?} (all, splitter, tagger, ner)"),
    };
    if splitter {
        let t = Instant::now();
        let path = args.ud.join("UD_English-EWT/en_ewt-ud-train.conllu");
        let sentences = conllu::read_file(&path)?;
        let model = train::train_splitter(&sentences, 5, 17);
        write(&args.splitter_out, &model.to_bytes())?;
        eprintln!("splitter: {:.1} s (rebuild dyad to use it)", t.elapsed().as_secs_f64());
    }
    if models {
        let data = tagger::load_ud(&args.ud).with_context(|| format!("reading {}", args.ud.display()))?;
        let opts = train::Options { jackknife: args.jackknife, ..train::Options::default() };
        let trained = train::train_all(&data, &opts, &|m| eprintln!("{m}"))?;
        std::fs::create_dir_all(&args.out)?;
        write(&args.out.join(pipeline::TAGGER_FILE), &trained.tagger.to_bytes())?;
        write(&args.out.join(pipeline::LEMMA_FILE), &trained.lemmatizer.to_bytes())?;
        write(&args.out.join(pipeline::PARSER_FILE), &trained.parser.to_bytes())?;
        for (step, secs) in &trained.timings {
            eprintln!("{step}: {secs:.1} s");
        }
    }
    if names {
        let t = Instant::now();
        // The recipe reads UNER and GUM beside the UD treebanks and takes
        // name lists from the current-actors dictionaries.
        let data = args.ud.parent().unwrap_or(Path::new("."));
        let recipe = dyad_nlp::ner_recipe::Recipe::new(data, Some(&args.actors));
        let model = dyad_nlp::ner_recipe::train(&recipe, false, &mut |m| eprintln!("{m}"))?;
        std::fs::create_dir_all(&args.out)?;
        write(&args.out.join(pipeline::NER_FILE), &model.to_bytes())?;
        eprintln!("name recogniser: {:.1} s", t.elapsed().as_secs_f64());
    }
    eprintln!("done in {:.1} s", start.elapsed().as_secs_f64());
    Ok(0)
}

/// Writes through a temporary file, so a failed run leaves the old model.
fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
    Ok(())
}
