//! Sentence splitting and tokenization. (Placeholder: whitespace tokens, split at . ! ?)

use crate::{Sentence, Span, Token};

/// Tokens and sentences of one text, in reusable buffers.
#[derive(Clone, Debug, Default)]
pub struct Segmented {
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
}

impl Segmented {
    /// Splits `text` into sentences and tokens, replacing what the buffers held.
    pub fn segment(&mut self, text: &str) {
        self.tokens.clear();
        self.sentences.clear();
        let mut start = None;
        let mut first = 0u32;
        for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            if c.is_whitespace() {
                if let Some(s) = start.take() {
                    let word: &str = &text[s..i];
                    let (w_end, punct) = match word.char_indices().last() {
                        Some((j, p)) if word.len() > 1 && ".!?,’".contains(p) => (s + j, true),
                        _ => (i, false),
                    };
                    let mut w_start = s;
                    if let Some(k) = text[s..w_end].find('’') {
                        self.tokens.push(Token { span: Span::new(s, s + k), space_after: false });
                        w_start = s + k;
                    }
                    self.tokens.push(Token { span: Span::new(w_start, w_end), space_after: !punct });
                    if punct {
                        self.tokens.push(Token { span: Span::new(w_end, i), space_after: true });
                    }
                    if text[s..i].ends_with(['.', '!', '?']) {
                        self.close(first);
                        first = self.tokens.len() as u32;
                    }
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
        self.close(first);
    }

    fn close(&mut self, first: u32) {
        let len = self.tokens.len() as u32 - first;
        if len > 0 {
            let span = Span {
                start: self.tokens[first as usize].span.start,
                end: self.tokens[self.tokens.len() - 1].span.end,
            };
            self.sentences.push(Sentence { span, first_token: first, len });
        }
    }

    /// The tokens of sentence `i`.
    pub fn sentence_tokens(&self, i: usize) -> &[Token] {
        &self.tokens[self.sentences[i].tokens()]
    }
}
