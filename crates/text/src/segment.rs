//! Splitting a document into paragraphs, sentences and tokens.
//!
//! A paragraph break is a hard sentence boundary. By default every line break
//! ends a paragraph (news plain text puts one paragraph on a line); with
//! [`LineBreaks::Blank`] only blank lines do, for hard-wrapped text. Inside a
//! paragraph the [`boundary`](crate::boundary) classifier decides, and no
//! sentence grows beyond [`SegmentOptions::max_sentence_tokens`].

use std::sync::Arc;

use crate::boundary::{fill_info, gap, is_boundary, prepare, Gap, SentenceModel, TokInfo};
use crate::{tokenize, Sentence, Span, Token};

/// The default for [`SegmentOptions::max_sentence_tokens`].
pub const MAX_SENTENCE_TOKENS: usize = 300;

/// What ends a paragraph.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LineBreaks {
    /// Every line break (news plain text: one paragraph per line).
    #[default]
    Line,
    /// Only a blank line (a line of nothing but whitespace); single line
    /// breaks are spaces. For hard-wrapped text such as e-mail.
    Blank,
}

/// How [`Segmented::segment`] works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentOptions {
    pub line_breaks: LineBreaks,
    /// A sentence has at most this many tokens; a longer run without a
    /// boundary is cut into pieces of this size (at least 1).
    pub max_sentence_tokens: usize,
}

impl Default for SegmentOptions {
    fn default() -> SegmentOptions {
        SegmentOptions { line_breaks: LineBreaks::Line, max_sentence_tokens: MAX_SENTENCE_TOKENS }
    }
}

/// Tokens and sentences of one text, in reusable buffers.
///
/// Keep one per worker and call [`Segmented::segment`] for each document: the
/// buffers are reused, so segmenting allocates nothing once they are large
/// enough.
#[derive(Clone, Debug)]
pub struct Segmented {
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    pub options: SegmentOptions,
    model: Arc<SentenceModel>,
    info: Vec<TokInfo>,
    para: Vec<Token>,
    suffixes: Vec<Span>,
}

impl Default for Segmented {
    fn default() -> Segmented {
        Segmented::with_model(SentenceModel::embedded())
    }
}

impl Segmented {
    /// Buffers using `model` for sentence boundaries instead of the embedded one.
    pub fn with_model(model: Arc<SentenceModel>) -> Segmented {
        Segmented {
            tokens: Vec::new(),
            sentences: Vec::new(),
            options: SegmentOptions::default(),
            model,
            info: Vec::new(),
            para: Vec::new(),
            suffixes: Vec::new(),
        }
    }

    /// Splits `text` into sentences and tokens, replacing what the buffers held.
    ///
    /// Every byte of `text` that is not whitespace ends up in exactly one token,
    /// every token in exactly one sentence, and sentences are never empty. Only
    /// the first `u32::MAX` bytes of a (far too large) text are segmented, since
    /// offsets are `u32`.
    pub fn segment(&mut self, text: &str) {
        self.tokens.clear();
        self.sentences.clear();
        let mut limit = text.len().min(u32::MAX as usize);
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let text = &text[..limit];
        let max = self.options.max_sentence_tokens.max(1);
        for (p0, p1) in paragraphs(text, self.options.line_breaks) {
            self.para.clear();
            tokenize::tokenize(text, p0, p1, &mut self.para, &mut self.suffixes);
            let toks = &self.para[..];
            if toks.is_empty() {
                continue;
            }
            fill_info(text, toks, &mut self.info);
            let mut start = 0;
            for i in 0..toks.len() {
                let len = i + 1 - start;
                let end = i + 1 == toks.len()
                    || match gap(text, toks, &self.info, i) {
                        Gap::Never => false,
                        Gap::Always => true,
                        Gap::Model => {
                            prepare(&self.model, text, toks, &mut self.info, i);
                            is_boundary(&self.model, text, toks, &self.info, i, len)
                        }
                    };
                // A sentence at the length limit is cut without a real end.
                let cut = !end && len >= max;
                if end || cut {
                    let first = self.tokens.len();
                    self.tokens.extend_from_slice(&toks[start..=i]);
                    if end && len < max && self.info[i].ends_in_period() {
                        split_final_period(&mut self.tokens);
                    }
                    push_sentence(&mut self.sentences, &self.tokens, first, self.tokens.len());
                    start = i + 1;
                }
            }
        }
    }

    /// The tokens of sentence `i` (empty when there is no such sentence).
    pub fn sentence_tokens(&self, i: usize) -> &[Token] {
        self.sentences.get(i).and_then(|s| self.tokens.get(s.tokens())).unwrap_or(&[])
    }
}

/// Splits the period off an abbreviation that ends a sentence, as the UD
/// treebanks do ("... and so on, etc." ends with `etc` `.`).
fn split_final_period(tokens: &mut Vec<Token>) {
    if let Some(last) = tokens.last_mut() {
        let end = last.span.end;
        let space_after = last.space_after;
        last.span.end = end - 1;
        last.space_after = false;
        tokens.push(Token { span: Span { start: end - 1, end }, space_after });
    }
}

fn push_sentence(sentences: &mut Vec<Sentence>, tokens: &[Token], from: usize, to: usize) {
    if let (Some(a), Some(b)) = (tokens.get(from), tokens.get(to.wrapping_sub(1))) {
        if to > from {
            sentences.push(Sentence {
                span: Span { start: a.span.start, end: b.span.end },
                first_token: from as u32,
                len: (to - from) as u32,
            });
        }
    }
}

/// The paragraphs of `text` as byte ranges (possibly only whitespace).
pub(crate) fn paragraphs(text: &str, breaks: LineBreaks) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        let mut i = at;
        loop {
            let Some(k) = bytes[i..].iter().position(|&b| b == b'\n') else {
                at = bytes.len();
                return Some((start, bytes.len()));
            };
            let nl = i + k;
            match breaks {
                LineBreaks::Line => {
                    at = nl + 1;
                    return Some((start, nl));
                }
                LineBreaks::Blank => {
                    // Blank if only spaces/tabs/CR lie between this newline and the next.
                    let rest = &bytes[nl + 1..];
                    let ws = rest.iter().take_while(|&&b| matches!(b, b' ' | b'\t' | b'\r')).count();
                    if rest.get(ws) == Some(&b'\n') {
                        at = nl + 1 + ws + 1;
                        return Some((start, nl));
                    }
                    i = nl + 1;
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_by_line_or_blank() {
        let t = "a b\nc\n\nd";
        let p: Vec<_> = paragraphs(t, LineBreaks::Line).map(|(a, b)| &t[a..b]).collect();
        assert_eq!(p, ["a b", "c", "", "d"]);
        let p: Vec<_> = paragraphs(t, LineBreaks::Blank).map(|(a, b)| &t[a..b]).collect();
        assert_eq!(p, ["a b\nc", "d"]);
    }

    #[test]
    fn long_runs_are_cut() {
        let text = "word ".repeat(1000);
        let mut seg = Segmented::default();
        seg.segment(&text);
        assert_eq!(seg.tokens.len(), 1000);
        assert!(seg.sentences.iter().all(|s| s.len as usize <= MAX_SENTENCE_TOKENS && s.len > 0));
        seg.options.max_sentence_tokens = 7;
        seg.segment(&text);
        assert_eq!(seg.sentences.len(), 1000usize.div_ceil(7));
    }
}
