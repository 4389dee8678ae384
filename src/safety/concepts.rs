//! Finding every concept word, negation word and exclusion phrase of every language in one
//! pass over the normalised message (Aho-Corasick), as word positions.
//!
//! Positions are in words, not bytes, so the typed and the spell-corrected forms of a message
//! (which have the same words, some corrected) give comparable hits, and sentences, negation
//! windows and rule spans are all counted the same way.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::language::normalize;

/// What a term stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A concept, by index.
    Concept(u16),
    /// A negation that reaches forward ("no fever").
    NegateBefore,
    /// A negation that reaches back ("Fieber habe ich nicht").
    NegateAfter,
    /// Ends a negation's reach ("but").
    Stop,
    /// Holds a negation word that negates nothing ("can't stop vomiting").
    Pseudo,
    /// A figure of speech or other sense, by exclusion index.
    Exclusion(u16),
}

/// How many words of a term the automaton holds; the rest of the term is compared with the text
/// after the automaton's match. Terms are written with `{a,b}` variants that spell out to about
/// a hundred thousand phrases across seven languages; an automaton over all of them took a
/// third of a second to build and 30 MB to hold, while their first two words are about ten
/// thousand keys.
const KEY_WORDS: usize = 2;

/// A piece of [`Finder::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Piece {
    start: u32,
    len: u32,
}

/// One term as written in one language.
#[derive(Debug, Clone, Copy)]
struct Term {
    kind: Kind,
    language: u8,
    /// The last word may go on ("fever*" meets "feverish").
    open: bool,
    /// Read whatever the writer's language: a warning sign of crisis in another language's
    /// words ("Ya no puedo más" in an English message) must not be lost to the detector.
    everywhere: bool,
    /// What follows the key's words, right after them (" de vivir"): may be empty.
    tail: Piece,
    /// What must follow the word a `*` let go on, for a `*` inside a term ("confundid* con"):
    /// `count` pieces of [`Finder::rest`] from `first`.
    rest_first: u32,
    rest_count: u16,
}

/// A term found in a message: words `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub start: u32,
    pub end: u32,
    pub kind: Kind,
    pub language: u8,
}

#[derive(Debug)]
pub struct Finder {
    /// Over each term's first words (its key).
    automaton: AhoCorasick,
    /// For each key, every term that begins with it.
    terms: Vec<Vec<Term>>,
    /// The tails and rest parts of every term, one after the other.
    text: String,
    /// The rest parts of every term (see [`Term::rest_first`]).
    rest: Vec<Piece>,
}

/// A term as added: key slot, kind, language, open, everywhere, tail and rest pieces.
type SeenTerm = (usize, Kind, u8, bool, bool, Piece, Vec<Piece>);

/// Collects terms as (text, kind, language) before the automaton is built.
#[derive(Debug, Default)]
pub struct Builder {
    keys: Vec<String>,
    terms: Vec<Vec<Term>>,
    index: rustc_hash::FxHashMap<String, usize>,
    text: String,
    rest: Vec<Piece>,
    /// Each text already in `text`, so a tail written by many terms is kept once.
    pieces: rustc_hash::FxHashMap<String, Piece>,
    /// The terms already added, as written out, so that one written twice is found once.
    seen: rustc_hash::FxHashSet<SeenTerm>,
}

impl Builder {
    pub fn add(&mut self, written: &str, kind: Kind, language: u8) {
        self.add_term(written, kind, language, false);
    }

    /// Like `add`, for a term read in every message whatever its language.
    pub fn add_everywhere(&mut self, written: &str, kind: Kind, language: u8) {
        self.add_term(written, kind, language, true);
    }

    /// `text`'s piece of the arena, stored once.
    fn piece(&mut self, text: &str) -> Piece {
        if let Some(&piece) = self.pieces.get(text) {
            return piece;
        }
        let piece = Piece {
            start: self.text.len() as u32,
            len: text.len() as u32,
        };
        self.text.push_str(text);
        self.pieces.insert(text.to_string(), piece);
        piece
    }

    fn add_term(&mut self, written: &str, kind: Kind, language: u8, everywhere: bool) {
        for prepared in prepared_terms(written).into_iter().flatten() {
            let (key, tail) = split_key(&prepared.first);
            let slot = match self.index.get(key) {
                Some(&i) => i,
                None => {
                    self.index.insert(key.to_string(), self.keys.len());
                    self.keys.push(key.to_string());
                    self.terms.push(Vec::new());
                    self.keys.len() - 1
                }
            };
            let tail = self.piece(tail);
            let rest: Vec<Piece> = prepared.rest.iter().map(|r| self.piece(r)).collect();
            let open = prepared.open;
            if !self
                .seen
                .insert((slot, kind, language, open, everywhere, tail, rest.clone()))
            {
                continue;
            }
            let rest_first = self.rest.len() as u32;
            let rest_count = rest.len() as u16;
            self.rest.extend(rest);
            self.terms[slot].push(Term {
                kind,
                language,
                open,
                everywhere,
                tail,
                rest_first,
                rest_count,
            });
        }
    }

    pub fn build(self) -> Result<Finder, aho_corasick::BuildError> {
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&self.keys)?;
        let mut terms = self.terms;
        let text = &self.text;
        let tail = |t: &Term| &text[t.tail.start as usize..(t.tail.start + t.tail.len) as usize];
        for slot in &mut terms {
            // By tail, so that `find` reads only the tails that begin with the text's next
            // letter: those with no tail come first, then " a...", " b..." and so on.
            slot.sort_by(|a, b| tail(a).cmp(tail(b)));
            slot.shrink_to_fit();
        }
        let mut text = self.text;
        text.shrink_to_fit();
        let mut rest = self.rest;
        rest.shrink_to_fit();
        Ok(Finder {
            automaton,
            terms,
            text,
            rest,
        })
    }
}

/// A term's first [`KEY_WORDS`] words, and what follows them (from its space on).
fn split_key(first: &str) -> (&str, &str) {
    match first.match_indices(' ').nth(KEY_WORDS - 1) {
        Some((at, _)) => first.split_at(at),
        None => (first, ""),
    }
}

impl Finder {
    fn piece(&self, piece: Piece) -> &str {
        &self.text[piece.start as usize..(piece.start + piece.len) as usize]
    }

    /// The terms of key `slot` that may follow in the text: those with no tail, and those
    /// whose tail's first letter is `next` (the letter after the space that follows the key).
    fn candidates(&self, slot: usize, next: Option<&u8>) -> impl Iterator<Item = &Term> {
        let terms = &self.terms[slot];
        // The first letter of a term's tail (0 for none: they sort first).
        let letter = |t: &Term| match t.tail.len {
            0 | 1 => 0,
            _ => self.text.as_bytes()[t.tail.start as usize + 1],
        };
        let bare = terms.partition_point(|t| t.tail.len == 0);
        let tailed = match next {
            Some(&b) => {
                let from = terms.partition_point(|t| letter(t) < b);
                let to = terms.partition_point(|t| letter(t) <= b);
                &terms[from.max(bare)..to.max(bare)]
            }
            None => &[],
        };
        terms[..bare].iter().chain(tailed)
    }

    /// Every term of an allowed language (`allowed` is a bit set of language indexes) in
    /// `text`, a normalised message whose words begin at the byte offsets `starts`.
    pub fn find(&self, text: &str, starts: &[u32], allowed: u32, out: &mut Vec<Hit>) {
        let bytes = text.as_bytes();
        for m in self.automaton.find_overlapping_iter(text) {
            let (start, key_end) = (m.start(), m.end());
            if start > 0 && bytes[start - 1] != b' ' {
                continue;
            }
            let Ok(first) = starts.binary_search(&(start as u32)) else {
                continue;
            };
            for term in self.candidates(m.pattern().as_usize(), bytes.get(key_end + 1)) {
                if allowed & (1 << term.language) == 0 && !term.everywhere {
                    continue;
                }
                let tail = self.piece(term.tail);
                if !text[key_end..].starts_with(tail) {
                    continue;
                }
                let rest = &self.rest
                    [term.rest_first as usize..term.rest_first as usize + term.rest_count as usize];
                let Some(end) = term_end(
                    text,
                    key_end + tail.len(),
                    rest.iter().map(|&p| self.piece(p)),
                ) else {
                    continue;
                };
                let closed = end == bytes.len() || bytes[end] == b' ';
                if !(closed || term.open) {
                    continue;
                }
                // The word the match ends in (the last word may go on when the term is open).
                let last = match starts.binary_search(&((end - 1) as u32)) {
                    Ok(i) => i,
                    Err(i) => i - 1,
                };
                out.push(Hit {
                    start: first as u32,
                    end: last as u32 + 1,
                    kind: term.kind,
                    language: term.language,
                });
            }
        }
    }
}

/// Where a term whose first part ends at `end` ends: after each part of `rest`, each found
/// right after the word a `*` let go on; `None` when a part is not there.
fn term_end<'a>(text: &str, mut end: usize, rest: impl Iterator<Item = &'a str>) -> Option<usize> {
    let bytes = text.as_bytes();
    for part in rest {
        while end < bytes.len() && bytes[end] != b' ' {
            end += 1;
        }
        if !text[end..].starts_with(part) {
            return None;
        }
        end += part.len();
    }
    Some(end)
}

/// The byte offset at which each word of a normalised text begins.
pub fn word_starts(text: &str, out: &mut Vec<u32>) {
    out.clear();
    let mut at_start = true;
    for (i, b) in text.bytes().enumerate() {
        if b == b' ' {
            at_start = true;
        } else if at_start {
            out.push(i as u32);
            at_start = false;
        }
    }
}

/// A term written with `{a,b}` variants, spelled out; `*` stays at the end of each.
#[cfg(test)]
fn expand_variants(term: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_variant(term, |variant| out.push(variant.to_string()));
    out
}

/// Calls `each` with every spelling of `term`'s `{a,b}` variants, in order, built in one
/// reused buffer: a term of six groups spells out to thousands of phrases at start-up.
fn for_each_variant(term: &str, mut each: impl FnMut(&str)) {
    // The term as pieces, each a list of options: a literal piece has one.
    let mut pieces: Vec<Vec<&str>> = Vec::new();
    let mut rest = term;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else {
            break;
        };
        pieces.push(vec![&rest[..open]]);
        pieces.push(rest[open + 1..close].split(',').collect());
        rest = &rest[close + 1..];
    }
    pieces.push(vec![rest]);
    let mut choice = vec![0usize; pieces.len()];
    let mut buffer = String::with_capacity(term.len());
    loop {
        buffer.clear();
        for (piece, &c) in pieces.iter().zip(&choice) {
            buffer.push_str(piece[c]);
        }
        each(&buffer);
        // The next choice, the last piece turning fastest.
        let mut i = pieces.len();
        loop {
            if i == 0 {
                return;
            }
            i -= 1;
            choice[i] += 1;
            if choice[i] < pieces[i].len() {
                break;
            }
            choice[i] = 0;
        }
    }
}

/// A term as it is matched, in normalised words: `first`, then each of `rest` (each begins
/// with a space) right after the word a `*` let go on; `open` when the last word may go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub first: String,
    pub rest: Vec<String>,
    pub open: bool,
}

/// A term as it is matched: `{a,b}` spelled out, each variant cut at its `*`s and normalised.
/// A `*` ends a word ("confundid* con" meets "confundida con"); `None` for a variant with a
/// `*` inside a word or nothing to match.
pub fn prepared_terms(term: &str) -> Vec<Option<Prepared>> {
    let mut out = Vec::new();
    for_each_variant(term, |variant| out.push(prepare(variant)));
    out
}

/// One spelled-out variant as it is matched (see [`prepared_terms`]).
fn prepare(variant: &str) -> Option<Prepared> {
    let variant = variant.trim();
    let open = variant.ends_with('*');
    let mut parts = Vec::new();
    for (i, piece) in variant.trim_end_matches('*').split('*').enumerate() {
        if i > 0 && !piece.starts_with(char::is_whitespace) {
            return None;
        }
        let normalized = normalize::normalize(piece);
        if normalized.is_empty() {
            return None;
        }
        parts.push(normalized);
    }
    let mut parts = parts.into_iter();
    let first = parts.next()?;
    Some(Prepared {
        first,
        rest: parts.map(|p| format!(" {p}")).collect(),
        open,
    })
}

/// What a number written in a message can stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Number {
    /// A body temperature: "38 9" (38.9), "39 c", "102f", "40 degrees". A bare "39" is an age
    /// or a count, not a fever.
    Temperature,
    /// An amount with its unit in one word: "60mg", "500mcg", "5ml" ("60 mg" is two words, and
    /// the unit alone is a concept word).
    DoseAmount,
    /// A count of times: "3x", "x2".
    Times,
}

/// Words after which a bare 38 to 42 (or 100 to 106) is a temperature, in every language the
/// bot reads: "fever 39", "today 39 and red streaks", "hoy tengo 39" reads "tengo" first, so the
/// day words count too. ("I'm 39" stays an age.)
const TEMPERATURE_CUES: &[&str] = &[
    "fever",
    "temp",
    "temperature",
    "today",
    "tonight",
    "now",
    "fiebre",
    "hoy",
    "febre",
    "hoje",
    "fievre",
    "aujourdhui",
    "fieber",
    "heute",
    "febbre",
    "oggi",
    "goraczka",
    "goraczki",
    "dzis",
    "dzisiaj",
    "temperatura",
];

/// The numbers in normalised words, as (word position, what it stands for).
pub fn numbers<'a>(words: impl Iterator<Item = &'a str>, out: &mut Vec<(u32, Number)>) {
    let mut words = words.peekable();
    let mut i = 0u32;
    let mut previous = "";
    while let Some(word) = words.next() {
        let at = i;
        i += 1;
        let before = std::mem::replace(&mut previous, word);
        if !word.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        let (digits, unit) = split_unit(word);
        if digits.is_empty() {
            if unit.len() > 1
                && unit.starts_with('x')
                && unit[1..].bytes().all(|b| b.is_ascii_digit())
            {
                out.push((at, Number::Times));
            }
            continue;
        }
        let Ok(n) = digits.parse::<u32>() else {
            continue;
        };
        match unit {
            "mg" | "mcg" | "ug" | "ml" | "iu" | "ui" | "g" => {
                out.push((at, Number::DoseAmount));
                continue;
            }
            "x" => {
                out.push((at, Number::Times));
                continue;
            }
            _ => {}
        }
        let next = words.peek().copied().unwrap_or("");
        let celsius = (38..=42).contains(&n);
        let fahrenheit = (100..=106).contains(&n);
        let decimal = next.len() == 1 && next.bytes().all(|b| b.is_ascii_digit());
        let unit_next = matches!(
            next,
            "c" | "f"
                | "degrees"
                | "degree"
                | "deg"
                | "grados"
                | "grad"
                | "gradi"
                | "graus"
                | "degres"
                | "stopni"
                | "stopnie"
                | "celsius"
                | "fahrenheit"
        );
        let with_unit = matches!(unit, "c" | "f");
        let cued = unit.is_empty() && TEMPERATURE_CUES.contains(&before);
        if (celsius || fahrenheit) && (decimal || unit_next || with_unit || cued) {
            out.push((at, Number::Temperature));
        }
    }
}

/// "102f" -> ("102", "f").
fn split_unit(word: &str) -> (&str, &str) {
    let cut = word
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(word.len());
    word.split_at(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(builder: Builder, text: &str) -> Vec<(u32, u32, Kind)> {
        let finder = builder.build().expect("builds");
        let mut starts = Vec::new();
        word_starts(text, &mut starts);
        let mut out = Vec::new();
        finder.find(text, &starts, u32::MAX, &mut out);
        out.sort();
        out.into_iter().map(|h| (h.start, h.end, h.kind)).collect()
    }

    #[test]
    fn finds_whole_words_and_open_endings() {
        let mut b = Builder::default();
        b.add("fever*", Kind::Concept(0), 0);
        b.add("no", Kind::NegateBefore, 0);
        b.add("short of breath", Kind::Concept(1), 0);
        b.add("confus* by", Kind::Concept(2), 0);
        assert_eq!(
            hits(
                b,
                "not feverish no fever but short of breath nothing confused by"
            ),
            [
                (1, 2, Kind::Concept(0)),
                (2, 3, Kind::NegateBefore),
                (3, 4, Kind::Concept(0)),
                (5, 8, Kind::Concept(1)),
                (9, 11, Kind::Concept(2)),
            ]
        );
    }

    #[test]
    fn temperatures_need_a_decimal_or_a_unit() {
        let mut out = Vec::new();
        numbers("im 39 and my temp is 38 9 or 102f".split(' '), &mut out);
        assert_eq!(out, [(6, Number::Temperature), (9, Number::Temperature)]);
    }

    #[test]
    fn a_bare_temperature_after_a_fever_or_day_word() {
        let mut out = Vec::new();
        numbers(
            "no fever yesterday but today 39 and im 39 years old".split(' '),
            &mut out,
        );
        assert_eq!(out, [(5, Number::Temperature)]);
        out.clear();
        numbers("hoy 39 y fieber 40 aber heute 12".split(' '), &mut out);
        assert_eq!(out, [(1, Number::Temperature), (4, Number::Temperature)]);
    }

    #[test]
    fn amounts_and_times_written_in_one_word() {
        let mut out = Vec::new();
        numbers("60mg 3x a day or 60 mg x2 at 39".split(' '), &mut out);
        assert_eq!(
            out,
            [
                (0, Number::DoseAmount),
                (1, Number::Times),
                (7, Number::Times)
            ]
        );
    }

    #[test]
    fn variants_are_spelled_out() {
        assert_eq!(
            expand_variants("want{,s,ed} to {die,be dead}"),
            [
                "want to die",
                "want to be dead",
                "wants to die",
                "wants to be dead",
                "wanted to die",
                "wanted to be dead"
            ]
        );
        assert_eq!(
            prepared_terms("Fièvre*"),
            [Some(Prepared {
                first: "fievre".into(),
                rest: vec![],
                open: true
            })]
        );
        assert_eq!(
            prepared_terms("confundid* con"),
            [Some(Prepared {
                first: "confundid".into(),
                rest: vec![" con".into()],
                open: false
            })]
        );
        assert_eq!(prepared_terms("ab*cd"), [None]);
    }
}
