//! The analysis stage in one piece: tagger, lemmatiser and parser run over
//! the sentences of a segmented document.
//!
//! [`Models`] is loaded once and shared read-only; each worker keeps a
//! [`Scratch`] and an [`Analysis`] and reuses them document after document,
//! so the steady state allocates nothing per token.

use std::path::Path;

use dyad_text::Segmented;

use crate::lemma::Lemmatizer;
use crate::parser::{Dep, ParseScratch, Parser};
use crate::tagger::{TagId, TagScratch, Tagger};
use crate::{Error, Result};

/// The trained models of the analysis stage.
#[derive(Clone, Debug)]
pub struct Models {
    pub tagger: Tagger,
    pub lemmatizer: Lemmatizer,
    pub parser: Parser,
}

/// The model files of a model directory (`models/` in the repository).
pub const TAGGER_FILE: &str = "tagger.bin";
pub const LEMMA_FILE: &str = "lemma.bin";
pub const PARSER_FILE: &str = "parser.bin";
pub const NER_FILE: &str = "ner.bin";

impl Models {
    /// Loads `tagger.bin`, `lemma.bin` and `parser.bin` from `dir`.
    ///
    /// # Errors
    /// [`Error::Io`] when a file cannot be read, [`Error::Model`] when one is
    /// not a model of this dyad version.
    pub fn load(dir: &Path) -> Result<Models> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| Error::Io { path, source })
        };
        Ok(Models {
            tagger: Tagger::from_bytes(&read(TAGGER_FILE)?)?,
            lemmatizer: Lemmatizer::from_bytes(&read(LEMMA_FILE)?)?,
            parser: Parser::from_bytes(&read(PARSER_FILE)?)?,
        })
    }

    /// Tags, lemmatises and parses every sentence of `seg` (a segmentation of `text`).
    pub fn analyze(&self, text: &str, seg: &Segmented, scratch: &mut Scratch, out: &mut Analysis) {
        out.clear();
        let mut words = recycle(std::mem::take(&mut scratch.words));
        let mut upos = recycle(std::mem::take(&mut scratch.upos));
        let mut xpos = recycle(std::mem::take(&mut scratch.xpos));
        for sentence in &seg.sentences {
            let tokens = &seg.tokens[sentence.tokens()];
            words.clear();
            words.extend(tokens.iter().map(|t| t.text(text)));
            self.tagger.tag(&words, &mut scratch.tag, &mut scratch.tags);
            upos.clear();
            xpos.clear();
            for (w, t) in words.iter().zip(&scratch.tags) {
                let (u, x) = (self.tagger.upos_name(t.upos), self.tagger.xpos_name(t.xpos));
                upos.push(u);
                xpos.push(x);
                out.lemmas.push_str(self.lemmatizer.lemma(w, u, x, &mut scratch.lemma));
                out.lemma_ends.push(out.lemmas.len() as u32);
            }
            out.tags.extend_from_slice(&scratch.tags);
            self.parser.parse(&words, &upos, &xpos, &mut scratch.parse, &mut scratch.deps);
            out.deps.extend_from_slice(&scratch.deps);
            out.sentence_starts.push(out.tags.len() as u32 - tokens.len() as u32);
        }
        scratch.words = recycle(words);
        scratch.upos = recycle(upos);
        scratch.xpos = recycle(xpos);
    }

    /// UPOS name of a tag.
    pub fn upos<'a>(&'a self, a: &Analysis, token: usize) -> &'a str {
        a.tags.get(token).map_or("", |t| self.tagger.upos_name(t.upos))
    }

    /// Penn Treebank tag name of a tag.
    pub fn xpos<'a>(&'a self, a: &Analysis, token: usize) -> &'a str {
        a.tags.get(token).map_or("", |t| self.tagger.xpos_name(t.xpos))
    }

    /// Relation name of a token's arc (`nsubj`, `obl`, `root`, ...).
    pub fn deprel<'a>(&'a self, a: &Analysis, token: usize) -> &'a str {
        a.deps.get(token).map_or("", |d| self.parser.label_name(d.label))
    }
}

/// Reuses a vector's allocation for borrowed strings of another lifetime.
///
/// The vector is emptied first, so no borrow survives; collecting an empty
/// iterator into a vector of a type of the same layout keeps the allocation.
fn recycle<'b>(mut v: Vec<&str>) -> Vec<&'b str> {
    v.clear();
    v.into_iter().map(|_| "").collect()
}

/// Per-worker buffers for [`Models::analyze`].
#[derive(Default)]
pub struct Scratch {
    tag: TagScratch,
    tags: Vec<TagId>,
    parse: ParseScratch,
    deps: Vec<Dep>,
    lemma: String,
    words: Vec<&'static str>,
    upos: Vec<&'static str>,
    xpos: Vec<&'static str>,
}

/// Tags, lemmas and arcs of a document's tokens, parallel to
/// [`Segmented::tokens`].
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    pub tags: Vec<TagId>,
    /// Lemmas, concatenated; token `i`'s ends at `lemma_ends[i]`.
    pub lemmas: String,
    pub lemma_ends: Vec<u32>,
    /// Arcs: `head` is 1-based within the token's sentence, 0 for the root.
    pub deps: Vec<Dep>,
    /// Index of each sentence's first token.
    sentence_starts: Vec<u32>,
}

impl Analysis {
    pub fn clear(&mut self) {
        self.tags.clear();
        self.lemmas.clear();
        self.lemma_ends.clear();
        self.deps.clear();
        self.sentence_starts.clear();
    }

    /// Lemma of token `i`.
    pub fn lemma(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.lemma_ends.get(i - 1).map_or(0, |&e| e as usize) };
        let end = self.lemma_ends.get(i).map_or(start, |&e| e as usize);
        self.lemmas.get(start..end).unwrap_or("")
    }

    /// Index of the head of token `i` (both document-level token indices),
    /// or `None` for a sentence's root.
    pub fn head(&self, i: usize) -> Option<usize> {
        let h = self.deps.get(i)?.head as usize;
        let sentence = self.sentence_starts.partition_point(|&s| s as usize <= i).checked_sub(1)?;
        let start = self.sentence_starts[sentence] as usize;
        (h > 0).then(|| start + h - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn models() -> Option<Models> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
        Models::load(&dir).ok()
    }

    #[test]
    fn analyses_the_seed_sentence() {
        let Some(m) = models() else {
            panic!("the committed models in models/ must load");
        };
        let text = "Witkoff traveled to Moscow. He met Putin on Thursday.";
        let mut seg = Segmented::default();
        seg.segment(text);
        let (mut scratch, mut a) = (Scratch::default(), Analysis::default());
        m.analyze(text, &seg, &mut scratch, &mut a);
        assert_eq!(a.tags.len(), seg.tokens.len());
        assert_eq!(a.deps.len(), seg.tokens.len());
        let word = |i: usize| seg.tokens[i].text(text);
        assert_eq!(word(1), "traveled");
        assert_eq!(a.lemma(1), "travel");
        assert_eq!(m.xpos(&a, 1), "VBD");
        assert_eq!(m.deprel(&a, 0), "nsubj");
        assert_eq!(a.head(0), Some(1));
        assert_eq!(a.head(1), None);
        // Second sentence: "met" heads "He" and "Putin".
        let met = seg.sentences[1].first_token as usize + 1;
        assert_eq!(word(met), "met");
        assert_eq!(a.head(met - 1), Some(met));
        assert_eq!(a.head(met + 1), Some(met));
        // Reusing the buffers gives the same result.
        let first = a.clone();
        m.analyze(text, &seg, &mut scratch, &mut a);
        assert_eq!(first.deps, a.deps);
        assert_eq!(first.lemmas, a.lemmas);
    }
}
