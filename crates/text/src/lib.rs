//! dyad's first stage: documents in, sentences and tokens out, every token
//! keeping its byte span in the original text.
//!
//! ```
//! use dyad_text::{Document, Segmented};
//!
//! let doc = Document::new("d1", "Moscow has stated that Kiev’s desire is a factor. It said so.");
//! let mut seg = Segmented::default();
//! seg.segment(&doc.text);
//! assert_eq!(seg.sentences.len(), 2);
//! let words: Vec<&str> = seg.sentence_tokens(0).iter().map(|t| t.text(&doc.text)).collect();
//! assert_eq!(&words[..6], &["Moscow", "has", "stated", "that", "Kiev", "’s"]);
//! ```
//!
//! - [`input`] reads documents (plain text, JSON Lines, HTML) and reports bad
//!   input per document, so a batch goes on.
//! - [`Segmented::segment`] splits a document's text into paragraphs (every
//!   line break by default, see [`LineBreaks`]), sentences and tokens. Tokens
//!   follow the conventions of the UD English Web Treebank (`Kiev’s` →
//!   `Kiev` `’s`, `don't` → `do` `n't`, `search-engine` → `search` `-`
//!   `engine`); they are always substrings of the text, never normalised.
//!   Sentence ends inside a paragraph come from a small linear model
//!   ([`SentenceModel`], embedded in the binary, trained by
//!   `examples/train-splitter.rs`); no sentence has more than
//!   [`MAX_SENTENCE_TOKENS`] tokens.
//!
//! Segmentation is linear in the text, allocates nothing per token once the
//! buffers of a [`Segmented`] have grown, and never panics on any input.

mod boundary;
mod date;
mod doc;
mod error;
mod html;
pub mod input;
mod lexicon;
mod segment;
mod token;
mod tokenize;

pub use boundary::{SentenceModel, Trainer, FEATURE_VERSION};
pub use date::Date;
pub use doc::Document;
pub use error::{Error, Result};
pub use segment::{LineBreaks, SegmentOptions, Segmented, MAX_SENTENCE_TOKENS};
pub use token::{Sentence, Span, Token};
pub use tokenize::MAX_PATTERN_BYTES;
