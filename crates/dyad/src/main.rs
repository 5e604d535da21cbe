//! The `dyad` command: parses arguments and dispatches to the library crates.

use clap::{Parser, Subcommand};

mod code;
mod dict;
mod eval_suite;

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
        /// Input files: plain text (one document each) or `.jsonl` (one
        /// `{"id", "text", "date"}` object per line); `-` reads standard input.
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
    /// Evaluate: validation suites and gold records.
    Eval {
        #[command(subcommand)]
        command: eval_suite::EvalCommand,
    },
    /// Dictionaries: import, compile, check, look up.
    Dict {
        #[command(subcommand)]
        command: dict::DictCommand,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Code { inputs, dict, date, events_only } => {
            code::run(code::CodeArgs { inputs, dict, date, events_only })?
        }
        Command::Eval { command } => eval_suite::run(command)?,
        Command::Dict { command } => dict::run(command)?,
    };
    std::process::exit(status)
}
