//! The plain data passed from this stage to the next.

use serde::Serialize;

/// A half-open byte range `start..end` into a document's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: start as u32, end: end as u32 }
    }

    /// The text this span covers in `text`.
    ///
    /// Returns `""` when the span does not fit `text` (a span of another document).
    pub fn of<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start as usize..self.end as usize).unwrap_or("")
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// One token (a UD "word"): `Kiev’s` is the two tokens `Kiev` and `’s`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Token {
    /// Where the token is in the document text.
    pub span: Span,
    /// Whether whitespace follows the token in the text (UD's `SpaceAfter`).
    pub space_after: bool,
}

impl Token {
    pub fn text<'a>(&self, doc_text: &'a str) -> &'a str {
        self.span.of(doc_text)
    }
}

/// A sentence: a run of tokens of a document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sentence {
    /// Bytes from the first token's start to the last token's end.
    pub span: Span,
    /// Index of the first token in [`crate::Segmented::tokens`].
    pub first_token: u32,
    /// Number of tokens; never zero.
    pub len: u32,
}

impl Sentence {
    pub fn tokens(&self) -> std::ops::Range<usize> {
        self.first_token as usize..(self.first_token + self.len) as usize
    }
}
