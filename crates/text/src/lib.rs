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
