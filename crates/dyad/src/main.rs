//! The `dyad` command: parses arguments and dispatches to the library crates.

use clap::{Parser, Subcommand};

mod bench;
mod bench_nlp;
mod code;
mod dict;
mod eval_parse;
mod eval_suite;
mod read;
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
        /// Input files or directories: plain text or HTML (one document each)
        /// or `.jsonl` (one `{"id", "text", "date"}` object per line); `-`
        /// reads standard input. Records come out in input order.
        inputs: Vec<std::path::PathBuf>,
        /// Dictionary layer (directory, file or TABARI project), in priority
        /// order; repeatable. Default: the phoenix, dyad and current layers.
        #[arg(long)]
        dict: Vec<std::path::PathBuf>,
        /// Publication date (YYYY-MM-DD) of documents that carry none.
        #[arg(long)]
        date: Option<String>,
        /// Write only event records.
        #[arg(long)]
        events_only: bool,
    },
    /// Time dyad on real text, one core: tokenise, tag and parse, or (with
    /// `--code`) code events.
    Bench {
        /// Text: CoNLL-U (its `# text =` lines), JSON Lines (`text`) or plain
        /// text; default: the UD English-EWT test set in ../shared.
        file: Option<std::path::PathBuf>,
        /// Time the coder: raw text to events with the dictionaries.
        #[arg(long)]
        code: bool,
        /// Dictionary layers (default: the default layers).
        #[arg(long)]
        dict: Vec<std::path::PathBuf>,
        /// The model directory (default: `models` beside the binary's source tree).
        #[arg(long)]
        models: Option<std::path::PathBuf>,
        /// Least time to measure, in seconds.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// With `--code`: events and actors only, without the quote, date,
        /// place and position stages (to measure what they cost).
        #[arg(long)]
        no_stages: bool,
        /// Fail when a figure is below its floor in this file's `[speed]`
        /// section (e.g. `ratchet.toml`).
        #[arg(long)]
        floor: Option<std::path::PathBuf>,
    },
    /// Evaluate: validation suites and gold records.
    Eval {
        #[command(subcommand)]
        command: eval_suite::EvalCommand,
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

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Code { inputs, dict, date, events_only } => {
            code::run(code::CodeArgs { inputs, dict, date, events_only })?
        }
        Command::Eval { command } => eval_suite::run(command)?,
        Command::Bench { file, code, dict, models, seconds, no_stages, floor } => {
            let figures = if code {
                bench::run(bench::BenchArgs { code, text: file, dict, seconds, no_stages })?
            } else {
                let text = file.unwrap_or_else(bench::default_text);
                let models = models.unwrap_or_else(dyad_code::engine::models_dir);
                bench_nlp::run(&bench_nlp::NlpBench { text, models, seconds })?
            };
            println!("{figures}");
            let bad = match floor {
                Some(path) => bench::below_floors(&path, &figures)?,
                None => Vec::new(),
            };
            for b in &bad {
                eprintln!("below the floor: {b}");
            }
            i32::from(!bad.is_empty())
        }
        Command::Train(args) => train::run(&args)?,
        Command::Dict { command } => dict::run(command)?,
        Command::Ingest(args) => {
            store_cmd::ingest(&args)?;
            0
        }
        Command::Query(args) => {
            store_cmd::query(&args)?;
            0
        }
        Command::Export(args) => {
            store_cmd::export(&args)?;
            0
        }
    };
    std::process::exit(status)
}
