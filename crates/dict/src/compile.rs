//! Compiling a [`DictSet`] into the binary format read by [`crate::Dictionary`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::bin::{Writer, NONE, T};
use crate::error::{Diagnostic, Error, Result, Severity};
use crate::model::*;
use crate::phrase::{normalize, KeyToken, Phrase, PhraseTokenizer};

/// Edge flags in the phrase tries.
pub(crate) const EDGE_STEM: u32 = 1;
pub(crate) const EDGE_GAP: u32 = 2;
/// Node flags: the node has stem edges / gap edges.
pub(crate) const NODE_STEMS: u32 = 1;
pub(crate) const NODE_GAPS: u32 = 2;

/// Kinds of actor phrase records.
pub(crate) const PHRASE_NAME: u32 = 0;
pub(crate) const PHRASE_ALIAS: u32 = 1;
pub(crate) const PHRASE_LINK: u32 = 2;

/// Open ends of role dates (days since 1970-01-01).
pub(crate) const OPEN_FROM: i32 = i32::MIN;
pub(crate) const OPEN_TO: i32 = i32::MAX;

/// Pattern item kinds in the compiled file.
pub(crate) fn item_kind(i: &PatternItem) -> u32 {
    match i {
        PatternItem::Word { .. } => 0,
        PatternItem::Synset { .. } => 1,
        PatternItem::Verb => 2,
        PatternItem::Source => 3,
        PatternItem::Target => 4,
        PatternItem::Compound => 5,
        PatternItem::Skip => 6,
        PatternItem::Attribution => 7,
        PatternItem::OpenBrace => 8,
        PatternItem::CloseBrace => 9,
        PatternItem::OpenParen => 10,
        PatternItem::CloseParen => 11,
        PatternItem::Or => 12,
    }
}

/// A fingerprint of dyad's tokenizer: dictionary keys are cut by it at compile time, so a
/// dictionary compiled under another tokenizer may miss phrases.
pub fn tokenizer_fingerprint() -> u64 {
    const PROBE: &str = "U.S. President Donald J. Trump's aides met Kiev\u{2019}s (Ukraine) co-operation team; \
                         they don't e-mail U.N.-backed Al-Qaeda's 3.5% \"Jr.\" Mr. O'Neill, Sec.-Gen. Ban Ki-moon.";
    let mut seg = dyad_text::Segmented::default();
    seg.segment(PROBE);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for t in &seg.tokens {
        for v in [t.span.start, t.span.end] {
            for b in v.to_le_bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    h
}

/// Dated roles of one actor that overlap (pairs of indices into `roles`).
pub(crate) fn overlaps(roles: &[Role]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..roles.len() {
        for j in i + 1..roles.len() {
            let (a, b) = (&roles[i], &roles[j]);
            if !a.dated || !b.dated {
                continue;
            }
            let starts_before_end = |x: &Role, y: &Role| match (x.from, y.to) {
                (Some(f), Some(t)) => f <= t,
                _ => true,
            };
            if starts_before_end(a, b) && starts_before_end(b, a) {
                out.push((i, j));
            }
        }
    }
    out
}

/// Format rules a dyad-format set must keep to be compiled: dated roles of one entry
/// must not overlap.
pub fn validate(set: &DictSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for a in &set.actors {
        if set.dialect(a.loc) != Dialect::Dyad {
            continue;
        }
        for (i, j) in overlaps(&a.roles) {
            let (x, y) = (&a.roles[i], &a.roles[j]);
            out.push(Diagnostic::line(
                Severity::Error,
                set.file_name(y.loc),
                y.loc.line,
                format!(
                    "role {} {} of `{}` overlaps role {} {} (line {})",
                    y.code_text(),
                    y.range_text(),
                    a.name,
                    x.code_text(),
                    x.range_text(),
                    x.loc.line
                ),
            ));
        }
    }
    out
}

/// A trie node: children by (word id, edge flags), and the entries ending here.
type TrieNode = (BTreeMap<(u32, u32), u32>, Vec<u32>);

struct Trie {
    nodes: Vec<TrieNode>,
}

impl Trie {
    fn new() -> Trie {
        Trie { nodes: vec![(BTreeMap::new(), Vec::new())] }
    }

    fn insert(&mut self, keys: &[(u32, u32)], hit: u32) -> usize {
        let mut node = 0usize;
        for &k in keys {
            let next = self.nodes.len() as u32;
            let child = *self.nodes[node].0.entry(k).or_insert(next);
            if child == next {
                self.nodes.push((BTreeMap::new(), Vec::new()));
            }
            node = child as usize;
        }
        self.nodes[node].1.push(hit);
        node
    }

    fn write(&self, w: &mut Writer, nodes: T, edges: T, hits: T) {
        for (children, hs) in &self.nodes {
            let first_edge = w.len(edges);
            let mut flags = 0;
            for (&(word, kind), &target) in children {
                w.push(edges, &[word, kind, target]);
                if kind & EDGE_STEM != 0 {
                    flags |= NODE_STEMS;
                }
                if kind & EDGE_GAP != 0 {
                    flags |= NODE_GAPS;
                }
            }
            let first_hit = w.len(hits);
            for &h in hs {
                w.push(hits, &[h]);
            }
            w.push(nodes, &[first_edge, children.len() as u32, first_hit, hs.len() as u32, flags]);
        }
    }
}

/// Phrase keys and the word table.
struct Keys {
    tok: PhraseTokenizer,
    buf: Vec<KeyToken>,
    words: BTreeSet<String>,
}

impl Keys {
    fn tokens(&mut self, p: &Phrase) -> Vec<KeyToken> {
        self.tok.tokens(p, &mut self.buf);
        for k in &self.buf {
            self.words.insert(k.norm.clone());
        }
        self.buf.clone()
    }
}

fn key_ids(toks: &[KeyToken], ids: &HashMap<String, u32>) -> Vec<(u32, u32)> {
    toks.iter()
        .map(|k| {
            let kind = if k.stem { EDGE_STEM } else { 0 } | if k.gap { EDGE_GAP } else { 0 };
            (ids.get(&k.norm).copied().unwrap_or(NONE), kind)
        })
        .collect()
}

fn days(d: Option<dyad_text::Date>, open: i32) -> u32 {
    d.map_or(open, |d| d.to_days() as i32) as u32
}

/// Compiles `set` into the bytes of a dictionary file.
///
/// # Errors
/// [`Error::Invalid`] when a dyad-format entry breaks a format rule (overlapping roles).
pub fn compile(set: &DictSet) -> Result<Vec<u8>> {
    let problems = validate(set);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut keys = Keys { tok: PhraseTokenizer::default(), buf: Vec::new(), words: BTreeSet::new() };

    // Pass 1: tokenize every phrase (collecting the word table).
    let actor_keys: Vec<Vec<Vec<KeyToken>>> = set
        .actors
        .iter()
        .map(|a| {
            std::iter::once(&a.name)
                .chain(a.aliases.iter().map(|x| &x.phrase))
                .map(|p| keys.tokens(p))
                .collect()
        })
        .collect();
    let agent_keys: Vec<Vec<Vec<KeyToken>>> = set
        .agents
        .iter()
        .map(|a| {
            std::iter::once(&a.name)
                .chain(a.forms.iter().map(|x| &x.phrase))
                .map(|p| keys.tokens(p))
                .collect()
        })
        .collect();
    let mut verb_keys: Vec<(Vec<KeyToken>, usize)> = Vec::new();
    for b in &set.verbs.blocks {
        for v in &b.verbs {
            for f in &v.forms {
                let p = Phrase { words: f.words.iter().map(crate::Word::exact).collect() };
                let toks = keys.tokens(&p);
                let owners = keys.tok.owners();
                let head = owners.iter().position(|&o| o == f.head).unwrap_or(0);
                verb_keys.push((toks, head));
            }
        }
    }
    let synset_keys: Vec<Vec<Vec<KeyToken>>> = set
        .verbs
        .synsets
        .iter()
        .map(|s| s.members.iter().map(|m| keys.tokens(&m.phrase)).collect())
        .collect();
    let discard_keys: Vec<Vec<KeyToken>> = set.discards.iter().map(|d| keys.tokens(&d.phrase)).collect();
    let issue_keys: Vec<Vec<Vec<KeyToken>>> =
        set.issues.iter().map(|i| i.variants.iter().map(|v| keys.tokens(v)).collect()).collect();
    let mut norm = String::new();
    let mut pattern_words = |items: &[PatternItem], words: &mut BTreeSet<String>| {
        for it in items {
            if let PatternItem::Word { text, .. } = it {
                normalize(text, &mut norm);
                words.insert(norm.clone());
            }
        }
    };
    for b in &set.verbs.blocks {
        for p in &b.patterns {
            pattern_words(&p.items, &mut keys.words);
        }
    }
    for t in &set.verbs.times {
        for p in &t.patterns {
            pattern_words(&p.items, &mut keys.words);
        }
    }

    let mut w = Writer::new();
    let mut ids: HashMap<String, u32> = HashMap::new();
    for (i, word) in keys.words.iter().enumerate() {
        let s = w.s(word);
        w.push(T::Word, &[s]);
        ids.insert(word.clone(), i as u32);
    }
    let slots = (keys.words.len() * 2).next_power_of_two().max(1);
    let mut hash = vec![NONE; slots];
    for (i, word) in keys.words.iter().enumerate() {
        let mut at = crate::bin::word_hash(word.as_bytes()) as usize & (slots - 1);
        while hash[at] != NONE {
            at = (at + 1) & (slots - 1);
        }
        hash[at] = i as u32;
    }
    for h in hash {
        w.push(T::WordHash, &[h]);
    }
    let fp = tokenizer_fingerprint();
    let layers = set.files.iter().map(|f| f.layer + 1).max().unwrap_or(0);
    w.push(T::Meta, &[fp as u32, (fp >> 32) as u32, layers]);
    for f in &set.files {
        let s = w.s(&f.name);
        w.push(T::File, &[s, f.kind.to_u32(), f.dialect.to_u32(), f.layer]);
    }

    // Actors.
    let mut trie = Trie::new();
    let mut terminal_of_phrase: Vec<usize> = Vec::new();
    for (ai, a) in set.actors.iter().enumerate() {
        let first_role = w.len(T::Role);
        for r in &a.roles {
            let first_code = w.len(T::Code);
            for c in &r.codes {
                let s = w.s(c);
                w.push(T::Code, &[s]);
            }
            let note = w.s(&r.note);
            let source = w.s(&r.source);
            w.push(
                T::Role,
                &[
                    first_code,
                    r.codes.len() as u32,
                    days(r.from, OPEN_FROM),
                    days(r.to, OPEN_TO),
                    u32::from(r.dated),
                    note,
                    r.loc.file,
                    r.loc.line,
                    source,
                ],
            );
        }
        let name = w.s(&a.name.to_dyad());
        let first_phrase = w.len(T::APhrase);
        let phrases = std::iter::once((&a.name, a.loc, PHRASE_NAME))
            .chain(a.aliases.iter().map(|x| (&x.phrase, x.loc, PHRASE_ALIAS)));
        for (pi, (p, loc, kind)) in phrases.enumerate() {
            let text = w.s(&p.to_dyad());
            let rec = w.push(T::APhrase, &[ai as u32, text, loc.file, loc.line, kind, NONE]);
            let toks = &actor_keys[ai][pi];
            if toks.is_empty() {
                terminal_of_phrase.push(usize::MAX);
                continue;
            }
            terminal_of_phrase.push(trie.insert(&key_ids(toks, &ids), rec));
        }
        let n_phrases = w.len(T::APhrase) - first_phrase;
        w.push(
            T::Actor,
            &[
                name,
                first_role,
                a.roles.len() as u32,
                a.loc.file,
                a.loc.line,
                set.layer(a.loc),
                first_phrase,
                n_phrases,
            ],
        );
    }
    // Link actors of lower layers to higher-layer actors with the same canonical name, so a
    // phrase only the older dictionary knows still resolves through the newer entry first.
    let canon: Vec<String> =
        actor_keys.iter().map(|k| k.first().map(|t| key_string(t)).unwrap_or_default()).collect();
    let mut by_canon: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in canon.iter().enumerate() {
        if !c.is_empty() {
            by_canon.entry(c.as_str()).or_default().push(i);
        }
    }
    let layer_of = |i: usize| set.layer(set.actors[i].loc);
    let n_direct = w.len(T::APhrase);
    for rec in 0..n_direct {
        let node = terminal_of_phrase.get(rec as usize).copied().unwrap_or(usize::MAX);
        if node == usize::MAX {
            continue;
        }
        let ai = w.tables[T::APhrase as usize][rec as usize * crate::bin::width(T::APhrase)] as usize;
        let Some(linked) = by_canon.get(canon[ai].as_str()) else { continue };
        for &y in linked {
            if layer_of(y) <= layer_of(ai) {
                continue;
            }
            let already = trie.nodes[node].1.iter().any(|&h| {
                w.tables[T::APhrase as usize][h as usize * crate::bin::width(T::APhrase)] as usize == y
            });
            if already {
                continue;
            }
            let text = w.tables[T::APhrase as usize][rec as usize * crate::bin::width(T::APhrase) + 1];
            let (file, line) = (set.actors[y].loc.file, set.actors[y].loc.line);
            let link = w.push(T::APhrase, &[y as u32, text, file, line, PHRASE_LINK, rec]);
            trie.nodes[node].1.push(link);
        }
    }
    // Order the hits of each phrase: higher layers first, then direct before linked, then
    // source order.
    let rank = |w: &Writer, h: u32| {
        let base = h as usize * crate::bin::width(T::APhrase);
        let t = &w.tables[T::APhrase as usize];
        let ai = t[base] as usize;
        let kind = t[base + 4];
        (std::cmp::Reverse(layer_of(ai)), u32::from(kind == PHRASE_LINK), ai, h)
    };
    for node in &mut trie.nodes {
        node.1.sort_by_key(|&h| rank(&w, h));
    }
    trie.write(&mut w, T::ANode, T::AEdge, T::AHit);

    // Agents.
    let mut trie = Trie::new();
    for (gi, g) in set.agents.iter().enumerate() {
        let name = w.s(&g.name.to_dyad());
        let code = w.s(&g.code);
        let place = match g.place {
            AgentPlace::After => 0,
            AgentPlace::Before => 1,
        };
        w.push(T::Agent, &[name, code, place, g.loc.file, g.loc.line]);
        let phrases = std::iter::once((&g.name, g.loc)).chain(g.forms.iter().map(|f| (&f.phrase, f.loc)));
        for (pi, (p, loc)) in phrases.enumerate() {
            let text = w.s(&p.to_dyad());
            let rec = w.push(T::GPhrase, &[gi as u32, text, loc.file, loc.line]);
            let toks = &agent_keys[gi][pi];
            if !toks.is_empty() {
                trie.insert(&key_ids(toks, &ids), rec);
            }
        }
    }
    trie.write(&mut w, T::GNode, T::GEdge, T::GHit);

    // Synsets first: patterns refer to them.
    let mut synset_ids: HashMap<&str, u32> = HashMap::new();
    for (si, s) in set.verbs.synsets.iter().enumerate() {
        let name = w.s(&s.name);
        let first = w.len(T::SMember);
        for (mi, m) in s.members.iter().enumerate() {
            let text = w.s(&m.phrase.to_dyad());
            let first_word = w.len(T::SWord);
            for k in &synset_keys[si][mi] {
                let flags = if k.stem { EDGE_STEM } else { 0 } | if k.gap { EDGE_GAP } else { 0 };
                w.push(T::SWord, &[ids.get(&k.norm).copied().unwrap_or(0), flags]);
            }
            let n_words = w.len(T::SWord) - first_word;
            w.push(T::SMember, &[si as u32, text, first_word, n_words, m.loc.file, m.loc.line]);
        }
        let n = w.len(T::SMember) - first;
        w.push(T::Synset, &[name, first, n, s.loc.file, s.loc.line]);
        // Names are looked up with and without PETRARCH's no-plural `_` suffix.
        synset_ids.entry(s.name.as_str()).or_insert(si as u32);
        synset_ids.entry(s.name.trim_end_matches('_')).or_insert(si as u32);
    }
    let mut push_pattern = |w: &mut Writer, p: &Pattern, block: u32| -> u32 {
        let first_item = w.len(T::PItem);
        for it in &p.items {
            let kind = item_kind(it);
            let rec = match it {
                PatternItem::Word { text, stem, gap } => {
                    normalize(text, &mut norm);
                    let flags = if *stem { EDGE_STEM } else { 0 } | if *gap { EDGE_GAP } else { 0 };
                    let s = w.s(text);
                    [kind, s, ids.get(&norm).copied().unwrap_or(NONE), flags, NONE]
                }
                PatternItem::Synset { name, gap } => {
                    let s = w.s(name);
                    let flags = if *gap { EDGE_GAP } else { 0 };
                    let id = synset_ids.get(name.as_str()).copied().unwrap_or(NONE);
                    [kind, s, NONE, flags, id]
                }
                _ => [kind, NONE, NONE, 0, NONE],
            };
            w.push(T::PItem, &rec);
        }
        let n_items = w.len(T::PItem) - first_item;
        let (code, text, note) = (w.s(&p.code), w.s(&p.text), w.s(&p.note));
        w.push(T::Pattern, &[block, code, text, note, first_item, n_items, p.loc.file, p.loc.line])
    };

    // Verb blocks, verbs, forms.
    let mut trie = Trie::new();
    let mut vk = verb_keys.iter();
    // Blocks' verbs and patterns are contiguous; verbs are numbered across blocks.
    let mut verb_index = 0u32;
    for (bi, b) in set.verbs.blocks.iter().enumerate() {
        let first_pattern = w.len(T::Pattern);
        for p in &b.patterns {
            push_pattern(&mut w, p, bi as u32);
        }
        let n_patterns = w.len(T::Pattern) - first_pattern;
        let first_verb = verb_index;
        for v in &b.verbs {
            let lemma = w.s(&v.lemma.to_dyad());
            let code = match &v.code {
                Some(c) => w.s(c),
                None => NONE,
            };
            let first_form = w.len(T::VForm);
            for f in &v.forms {
                let text = w.s(&f.to_dyad());
                let (toks, head) = vk.next().cloned().unwrap_or_default();
                let rec = w.push(T::VForm, &[verb_index, text, head as u32, toks.len() as u32]);
                if !toks.is_empty() {
                    trie.insert(&key_ids(&toks, &ids), rec);
                }
            }
            let n_forms = w.len(T::VForm) - first_form;
            w.push(T::Verb, &[bi as u32, lemma, code, v.loc.file, v.loc.line, first_form, n_forms]);
            verb_index += 1;
        }
        let (name, code) = (w.s(&b.name), w.s(&b.code));
        w.push(
            T::Block,
            &[
                name,
                code,
                first_verb,
                verb_index - first_verb,
                first_pattern,
                n_patterns,
                b.loc.file,
                b.loc.line,
                b.dialect.to_u32(),
            ],
        );
    }
    trie.write(&mut w, T::VNode, T::VEdge, T::VHit);
    for t in &set.verbs.times {
        let first = w.len(T::Pattern);
        for p in &t.patterns {
            push_pattern(&mut w, p, NONE);
        }
        let n = w.len(T::Pattern) - first;
        let (phrase, value) = (w.s(&t.phrase.to_dyad()), w.s(&t.value));
        w.push(T::Time, &[phrase, value, first, n, t.loc.file, t.loc.line]);
    }
    for x in &set.verbs.transforms {
        let (l, r) = (w.s(&x.lhs), w.s(&x.rhs));
        w.push(T::Transform, &[l, r, x.loc.file, x.loc.line]);
    }
    for (t, list) in [(T::Noun, &set.verbs.nouns), (T::Adjective, &set.verbs.adjectives)] {
        for a in list {
            let s = w.s(&a.phrase.to_dyad());
            w.push(t, &[s, a.loc.file, a.loc.line]);
        }
    }

    // Discards.
    let mut trie = Trie::new();
    for (di, d) in set.discards.iter().enumerate() {
        let text = w.s(&d.phrase.to_dyad());
        let rec = w.push(T::Discard, &[text, u32::from(d.story), d.loc.file, d.loc.line]);
        if !discard_keys[di].is_empty() {
            trie.insert(&key_ids(&discard_keys[di], &ids), rec);
        }
    }
    trie.write(&mut w, T::DNode, T::DEdge, T::DHit);

    // Issues.
    let mut trie = Trie::new();
    for (ii, is) in set.issues.iter().enumerate() {
        let code = match &is.code {
            Some(c) => w.s(c),
            None => NONE,
        };
        let cat = w.s(&is.category);
        let ignore = match is.ignore {
            IssueIgnore::No => 0,
            IssueIgnore::Sentence => 1,
            IssueIgnore::Story => 2,
        };
        let rec = w.push(T::Issue, &[code, cat, ignore, is.loc.file, is.loc.line]);
        for (vi, v) in is.variants.iter().enumerate() {
            let text = w.s(&v.to_dyad());
            let var = w.push(T::IVariant, &[rec, text]);
            if !issue_keys[ii][vi].is_empty() {
                trie.insert(&key_ids(&issue_keys[ii][vi], &ids), var);
            }
        }
    }
    trie.write(&mut w, T::INode, T::IEdge, T::IHit);

    // Prepositions, sorted by normalised form for binary search.
    let mut preps: Vec<(String, &ListWord)> = set
        .prepositions
        .iter()
        .map(|p| {
            normalize(&p.word, &mut norm);
            (norm.clone(), p)
        })
        .collect();
    preps.sort_by(|a, b| a.0.cmp(&b.0));
    preps.dedup_by(|a, b| a.0 == b.0);
    for (n, p) in preps {
        let (ns, ts) = (w.s(&n), w.s(&p.word));
        w.push(T::Prep, &[ns, ts, p.loc.file, p.loc.line]);
    }
    Ok(w.finish())
}

fn key_string(toks: &[KeyToken]) -> String {
    toks.iter().map(|k| k.norm.as_str()).collect::<Vec<_>>().join(" ")
}

/// Compiles `set` and writes it to `path` through a temporary file renamed into place, so a
/// failed compile never leaves a partial file.
pub fn compile_to_file(set: &DictSet, path: &Path) -> Result<usize> {
    let bytes = compile(set)?;
    write_atomic(path, &bytes)?;
    Ok(bytes.len())
}

/// Writes `bytes` to `path` via `path.tmp` + rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.display().to_string();
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let werr = |source| Error::Write { path: name.clone(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(werr)?;
    }
    std::fs::write(&tmp, bytes).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        werr(e)
    })?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        werr(e)
    })
}
