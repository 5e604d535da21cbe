//! The `dyad` command: parses arguments and dispatches to the library crates.

use clap::{Parser, Subcommand};

mod dict;

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
    }
    Ok(())
}
