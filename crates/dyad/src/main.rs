//! The `dyad` command: parses arguments and dispatches to the library crates.

use clap::{Parser, Subcommand};

mod dict;
mod store_cmd;

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
        Command::Dict { command } => std::process::exit(dict::run(command)?),
        Command::Ingest(args) => store_cmd::ingest(&args)?,
        Command::Query(args) => store_cmd::query(&args)?,
        Command::Export(args) => store_cmd::export(&args)?,
    }
    Ok(())
}
