//! Actors, events, quotes, dates, places and positions from analysed text.
//!
//! This crate holds dyad's event coder (see `DESIGN.md` beside this crate),
//! the output record types ([`record`]), the coder [`options`] and the
//! validation-suite readers and scoring ([`suite`]), and the quote and date
//! extractors ([`quotes`], [`dates`]).
//!
//! ```
//! use dyad_code::suite::{Expected, Triple};
//! use dyad_code::suite::score::{is_exact, Outcome};
//!
//! let want = Expected::Events(vec![Triple::new("ARN", "GON", "064")]);
//! assert!(is_exact(&want, &Outcome::Events(vec![Triple::new("ARN", "GON", "064")])));
//! assert!(!is_exact(&want, &Outcome::Events(vec![])));
//! ```

pub mod coder;
pub mod dates;
pub mod document;
pub mod engine;
mod error;
pub mod from_dict;
pub mod gold;
pub mod lexicon;
pub mod news;
pub mod np;
pub mod options;
pub mod places;
pub mod positions;
pub mod quotes;
pub mod record;
pub mod shallow;
pub mod stages;
pub mod suite;
pub mod words;

pub use error::{Error, Result};
pub use options::Options;
