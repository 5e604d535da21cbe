use crate::Date;

/// A document to be coded: one news article, say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// Stable identifier: from the input (JSON Lines `id`) or the file name.
    pub id: String,
    /// The text; every offset dyad reports is a byte offset into it.
    pub text: String,
    /// Publication date; `None` when the input gives none (never today's date).
    pub date: Option<Date>,
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
}

impl Document {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Document {
        Document { id: id.into(), text: text.into(), ..Document::default() }
    }
}
