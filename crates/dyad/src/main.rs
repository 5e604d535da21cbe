//! The `dyad` command: parses arguments and dispatches to the library crates.

use clap::{Parser, Subcommand};

mod bench_nlp;
mod dict;
mod eval_parse;
mod store_cmd;
mod train;

#[derive(Parser)]
#[command(name = "dyad", version, about = "English news text to political event data")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Code documents into JSON Lines records.
    Code {
        /// Input files (plain text, JSON Lines, HTML); `-` reads standard input.
        inputs: Vec<std::path::PathBuf>,
    },
    /// Time dyad on real text, one core.
    Bench {
        /// Text: CoNLL-U (its `# text` lines), JSON Lines (`text`) or plain text.
        file: std::path::PathBuf,
        /// The model directory.
        #[arg(long, default_value = "models")]
        models: std::path::PathBuf,
        /// Least time to measure, in seconds.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
    },
    /// Evaluate dyad against annotated data.
    Eval {
        #[command(subcommand)]
        command: EvalCommand,
    },
    /// Train the models from the Universal Dependencies treebanks.
    Train(train::TrainArgs),
    /// Dictionaries: import, compile, check, look up.
    Dict {
        #[command(subcommand)]
        command: dict::DictCommand,
    },
    /// Code documents into an event store (SQLite), skipping those already stored.
    Ingest(store_cmd::IngestArgs),
    /// Select events (or mentions, daily counts, failures) from a store.
    Query(store_cmd::QueryArgs),
    /// Export a store as PLOVER JSON Lines, GDELT 2.0, Phoenix, CSV or Parquet.
    Export(store_cmd::ExportArgs),
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Tagging, lemmas and parsing (gold tokenisation) and segmentation (raw text) of a CoNLL-U file.
    Parse(eval_parse::ParseArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Code { inputs } => {
            for path in inputs {
                let text = std::fs::read_to_string(&path)?;
                let doc = dyad_text::Document::new(path.display().to_string(), text);
                let mut seg = dyad_text::Segmented::default();
                seg.segment(&doc.text);
                println!("{} sentences", seg.sentences.len());
            }
        }
        Command::Bench { file, models, seconds } => {
            let summary = bench_nlp::run(&bench_nlp::NlpBench { text: file, models, seconds })?;
            println!("{summary}");
        }
        Command::Eval { command: EvalCommand::Parse(args) } => std::process::exit(eval_parse::parse(&args)?),
        Command::Train(args) => std::process::exit(train::run(&args)?),
        Command::Dict { command } => std::process::exit(dict::run(command)?),
        Command::Ingest(args) => store_cmd::ingest(&args)?,
        Command::Query(args) => store_cmd::query(&args)?,
        Command::Export(args) => store_cmd::export(&args)?,
    }
    Ok(())
}
