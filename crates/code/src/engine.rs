//! The coder ready to run on news text: dictionaries loaded and turned into a
//! lexicon, the options and the event table.

use std::path::{Path, PathBuf};

use dyad_dict::ontology::Ontology;
use dyad_text::Document;

use crate::document::{DocCoder, DocScratch, Emit};
use crate::error::{Error, Result};
use crate::lexicon::Lexicon;
use crate::options::Options;
use crate::record::Output;
use crate::stages::Stages;

/// Everything needed to code documents; shareable between threads.
pub struct Engine {
    pub lex: Lexicon,
    pub options: Options,
    pub ontology: Ontology,
    pub emit: Emit,
    /// The dictionary layers loaded, for reports.
    pub layers: Vec<PathBuf>,
    /// Warnings from reading the dictionaries.
    pub warnings: usize,
    /// The part-of-speech tagger (`models/tagger.bin`), when found.
    pub tagger: Option<dyad_nlp::tagger::Tagger>,
    /// Quotes, dates, places and positions; `None` codes events and actors only.
    pub stages: Option<Stages>,
}

/// The model directory: `$DYAD_MODELS`, else `models/` in the current
/// directory, else the source tree's `models/`.
pub fn models_dir() -> PathBuf {
    std::env::var_os("DYAD_MODELS")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .or_else(|| Some(PathBuf::from("models")).filter(|p| p.join("tagger.bin").is_file()))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"))
}

/// The default dictionary layers, in priority order (later wins): Phoenix,
/// dyad's additions, current office holders, the coder's verb corrections. They are looked for in
/// `$DYAD_DICTIONARIES`, else `dictionaries/` in the current directory, else
/// the source tree's `dictionaries/`.
pub fn default_layers() -> Vec<PathBuf> {
    let base = std::env::var_os("DYAD_DICTIONARIES")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .or_else(|| Some(PathBuf::from("dictionaries")).filter(|p| p.join("phoenix").is_dir()))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dictionaries"));
    ["phoenix", "dyad", "current", "coder"].iter().map(|d| base.join(d)).collect()
}

impl Engine {
    /// Loads dictionary layers (directories or files, in priority order; a
    /// TABARI `.project` file brings its own files) with dyad's default
    /// options for news text.
    pub fn load(layers: &[PathBuf]) -> Result<Engine> {
        let mut loaded = dyad_dict::Loaded::default();
        for (i, path) in layers.iter().enumerate() {
            dyad_dict::load_path(path, i as u32, &mut loaded)
                .map_err(|e| Error::Suite { path: path.clone(), message: e.to_string() })?;
        }
        let lex = crate::from_dict::build(&loaded.set);
        let ontology = Ontology::embedded().map_err(|e| Error::Suite {
            path: PathBuf::from("dictionaries/events.tsv"),
            message: e.to_string(),
        })?;
        let tagger_path = models_dir().join("tagger.bin");
        let tagger = match std::fs::read(&tagger_path) {
            Ok(bytes) => Some(
                dyad_nlp::tagger::Tagger::from_bytes(&bytes)
                    .map_err(|e| Error::Suite { path: tagger_path.clone(), message: e.to_string() })?,
            ),
            Err(_) => None,
        };
        Ok(Engine {
            stages: Some(Stages::embedded()?),
            tagger,
            lex,
            options: Options::default(),
            ontology,
            emit: Emit::default(),
            layers: layers.to_vec(),
            warnings: loaded.warnings.len(),
        })
    }

    /// Codes one document.
    pub fn code_doc(&self, doc: &Document, scratch: &mut DocScratch, out: &mut Vec<Output>) {
        let dc = DocCoder {
            lex: &self.lex,
            options: &self.options,
            ontology: &self.ontology,
            emit: self.emit,
            tagger: self.tagger.as_ref(),
            stages: self.stages.as_ref(),
        };
        dc.code(doc, scratch, out);
    }

    /// Codes one document with fresh buffers.
    pub fn code_one(&self, doc: &Document) -> Vec<Output> {
        let mut out = Vec::new();
        self.code_doc(doc, &mut DocScratch::default(), &mut out);
        out
    }
}
