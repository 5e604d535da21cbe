//! Tagger, lemmatiser and dependency parser for dyad, with their training.
//!
//! Models are linear (averaged perceptron over hashed feature templates),
//! trained on Universal Dependencies treebanks by `dyad train`, stored as
//! versioned binary files and loaded once, read-only, shared across threads.

pub mod conllu;
mod error;
pub mod hash;
pub mod lemma;
pub mod model;
pub mod ner;
pub mod ner_recipe;
mod parse_table;
pub mod parser;
pub mod perceptron;
pub mod pipeline;
pub mod segeval;
pub mod tag_perceptron;
pub mod tag_table;
pub mod tag_text;
pub mod tag_weights;
pub mod tagger;
pub mod train;

pub use error::{Error, Result};
