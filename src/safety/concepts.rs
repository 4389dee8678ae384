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
    /// Ends a negation's reach and a clause ("but").
    Stop,
    /// Ends a negation's reach only ("and his finger", ", he vomit").
    Pause,
    /// Holds a negation word that negates nothing ("can't stop vomiting").
    Pseudo,
    /// A figure of speech or other sense, by exclusion index.
    Exclusion(u16),
    /// Words that undo an exclusion in their sentence, by exclusion index.
    Unless(u16),
}

/// How many words of a term the automaton holds; the rest of the term is followed in the text
/// after the automaton's match, choices and all. Terms are written with `{a,b}` variants that
/// would spell out to about a hundred thousand phrases across seven languages: spelling them out
/// took most of start-up, and an automaton over all of them a third of a second to build and
/// 30 MB to hold. Over each term's first word there are about five thousand keys, which build
/// in a few milliseconds; a key's terms are sorted by the letter that must follow it, so a
/// match reads only the few that can.
const KEY_WORDS: usize = 1;

/// A piece of [`Finder::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Piece {
    start: u32,
    len: u32,
}

/// A part of a term after its key: its options are `count` pieces of [`Finder::options`] from
/// `first` (a part written without braces has one).
#[derive(Debug, Clone, Copy)]
struct Part {
    first: u32,
    count: u32,
}

/// One term as written in one language, from one of its keys on.
#[derive(Debug, Clone, Copy)]
struct Term {
    kind: Kind,
    language: u8,
    /// Read whatever the writer's language: a warning sign of crisis in another language's
    /// words ("Ya no puedo más" in an English message) must not be lost to the detector.
    everywhere: bool,
    /// What follows the key in the option the key was cut from (" de vivir"): may be empty.
    head: Piece,
    /// A letter the text may have after the space that ends the key: the head's first (the "d"
    /// of " de vivir"), or one the parts after it can begin with; 0 when any may follow. Only
    /// the terms that can follow are read (see [`Finder::candidates`]).
    next: u8,
    /// Then the term's remaining parts: [`Finder::parts`] `parts_from..parts_to`.
    parts_from: u32,
    parts_to: u32,
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
    /// Articles joined to the next word once apostrophes are dropped ("l", "dell"), read
    /// when a language that has them is: see [`Builder::elisions`].
    elisions: Vec<Box<[u8]>>,
    elision_languages: u32,
    /// For each key, every term that begins with it.
    terms: Vec<Vec<Term>>,
    /// The parts of every term after its key, term after term.
    parts: Vec<Part>,
    /// The options of every part, part after part.
    options: Vec<Piece>,
    /// The text of every head and option, each kept once.
    text: String,
}

/// The shortest first word a term may have to be found after an elision: "l" + "ice" is not
/// how French writes "lice".
const MIN_ELIDED: usize = 4;

/// Collects terms as (text, kind, language) before the automaton is built.
#[derive(Debug, Default)]
pub struct Builder {
    elisions: Vec<Box<[u8]>>,
    elision_languages: u32,
    keys: Vec<String>,
    terms: Vec<Vec<Term>>,
    index: rustc_hash::FxHashMap<String, usize>,
    parts: Vec<Part>,
    options: Vec<Piece>,
    text: String,
    /// Each text already in `text`, so a text written by many terms is kept once.
    pieces: rustc_hash::FxHashMap<String, Piece>,
    /// The (key, head, parts) of each term already added, so that two spellings of a key
    /// that normalise alike ("{don't,dont}") are followed once.
    seen: rustc_hash::FxHashSet<(usize, Piece, u32)>,
}

impl Builder {
    /// The elided articles of `language` ("l", "dell"), written as they normalise.
    pub fn elisions(&mut self, language: u8, elisions: &[String]) {
        for elision in elisions {
            let elision = normalize::normalize(elision);
            if elision.is_empty() {
                continue;
            }
            let elision: Box<[u8]> = elision.into_bytes().into();
            if !self.elisions.contains(&elision) {
                self.elisions.push(elision);
            }
            self.elision_languages |= 1 << language;
        }
    }

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
        let parts = term_parts(written);
        // Each part's place in the arena, for the keys that end before it.
        let base = self.parts.len() as u32;
        for options in &parts {
            let first = self.options.len() as u32;
            for option in options {
                let piece = self.piece(option);
                self.options.push(piece);
            }
            self.parts.push(Part {
                first,
                count: options.len() as u32,
            });
        }
        let parts_to = self.parts.len() as u32;
        let mut keys = Vec::new();
        spell_keys(&parts, 0, &mut String::new(), &mut |key, head, next| {
            keys.push((key.to_string(), head.to_string(), next));
        });
        for (key, head, next) in keys {
            let slot = match self.index.get(&key) {
                Some(&i) => i,
                None => {
                    self.index.insert(key.clone(), self.keys.len());
                    self.keys.push(key);
                    self.terms.push(Vec::new());
                    self.keys.len() - 1
                }
            };
            let letters = next_letters(&head, parts.get(next..).unwrap_or_default());
            let head = self.piece(&head);
            let parts_from = base + next as u32;
            if !self.seen.insert((slot, head, parts_from)) {
                continue;
            }
            for letter in letters {
                self.terms[slot].push(Term {
                    kind,
                    language,
                    everywhere,
                    head,
                    next: letter,
                    parts_from,
                    parts_to,
                });
            }
        }
        self.seen.clear();
    }

    pub fn build(self) -> Result<Finder, aho_corasick::BuildError> {
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&self.keys)?;
        let mut terms = self.terms;
        for slot in &mut terms {
            // By the letter that must follow, those that say none first (see `candidates`).
            slot.sort_by_key(|t| t.next);
            slot.shrink_to_fit();
        }
        let (mut parts, mut options, mut text) = (self.parts, self.options, self.text);
        parts.shrink_to_fit();
        options.shrink_to_fit();
        text.shrink_to_fit();
        Ok(Finder {
            automaton,
            elisions: self.elisions,
            elision_languages: self.elision_languages,
            terms,
            parts,
            options,
            text,
        })
    }
}

/// A term as written, in parts: the text between `{a,b}` groups, and each group, with every
/// option normalised on its own. Edge spaces and `*`s are kept, so that the chosen options,
/// joined, read as the whole term would have normalised.
fn term_parts(term: &str) -> Vec<Vec<String>> {
    let part = |raw: &str| -> String {
        // Most options are written as they normalise ("ganas de", "morir*"): they are kept
        // as they are, which spares start-up thirty thousand normalisations.
        if is_written_normalised(raw) {
            return raw.to_string();
        }
        // `*` and `~` are kept where they are; the text between them is normalised.
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(at) = rest.find(['*', '~']) {
            out.push_str(&normalize::normalize_keeping_edges(&rest[..at]));
            out.push_str(&rest[at..at + 1]);
            rest = &rest[at + 1..];
        }
        out.push_str(&normalize::normalize_keeping_edges(rest));
        out
    };
    let mut parts = Vec::new();
    let mut rest = term.trim();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else {
            break;
        };
        if open > 0 {
            parts.push(vec![part(&rest[..open])]);
        }
        parts.push(rest[open + 1..close].split(',').map(part).collect());
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(vec![part(rest)]);
    }
    parts
}

/// The letters a term can have right after the space that ends its key: the head's first
/// letter, or, when the head is only that space, the first letters the parts after it can
/// begin with (an empty option lets the next part's letters count too; a term is then listed
/// once under each). `[0]` when any letter may follow (an option begins with a space or `*`,
/// or the term may end with its key).
fn next_letters(head: &str, parts: &[Vec<String>]) -> Vec<u8> {
    match head.as_bytes() {
        [b' ', b, ..] if b.is_ascii_alphanumeric() => vec![*b],
        [b' '] => {
            let mut letters = Vec::new();
            if first_letters(parts, &mut letters) {
                letters.sort_unstable();
                letters.dedup();
                letters
            } else {
                vec![0]
            }
        }
        _ => vec![0],
    }
}

/// Adds the letters `parts` can begin with to `letters`; false when they can begin with
/// anything else, or be empty (then any letter may follow).
fn first_letters(parts: &[Vec<String>], letters: &mut Vec<u8>) -> bool {
    let Some((options, rest)) = parts.split_first() else {
        return false;
    };
    for option in options {
        match option.as_bytes().first() {
            Some(&b) if b.is_ascii_alphanumeric() => letters.push(b),
            None => {
                if !first_letters(rest, letters) {
                    return false;
                }
            }
            Some(_) => return false,
        }
    }
    true
}

/// Whether `raw` is already in the form `normalize_keeping_edges` gives each piece between its
/// `*`s: lowercase ASCII letters and digits, single spaces, and `*`s.
fn is_written_normalised(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes
        .iter()
        .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b' ' | b'*' | b'~'))
        && !raw.contains("  ")
}

/// `option` added to `prefix` as the text would read it: no space at the start, and one space
/// where two meet.
fn push_joined(prefix: &mut String, option: &str) {
    let option = if prefix.is_empty() || prefix.ends_with(' ') {
        option.trim_start_matches(' ')
    } else {
        option
    };
    prefix.push_str(option);
}

/// Calls `each(key, head, next)` with every spelling of a term's first [`KEY_WORDS`] words (or
/// of what comes before its first `*`), what follows the key in the last option it took
/// (`head`), and the index of the part after that option. Only the key's choices are spelled
/// out.
fn spell_keys(
    parts: &[Vec<String>],
    at: usize,
    prefix: &mut String,
    each: &mut dyn FnMut(&str, &str, usize),
) {
    let cut = prefix
        .match_indices(' ')
        .nth(KEY_WORDS - 1)
        .map(|(i, _)| i)
        .into_iter()
        .chain(prefix.find(['*', '~']))
        .min();
    if let Some(cut) = cut {
        let (key, head) = prefix.split_at(cut);
        let key = key.trim_end();
        if !key.is_empty() {
            each(key, head, at);
        }
        return;
    }
    let Some(options) = parts.get(at) else {
        let key = prefix.trim_end();
        if !key.is_empty() {
            each(key, "", at);
        }
        return;
    };
    for option in options {
        let len = prefix.len();
        push_joined(prefix, option);
        spell_keys(parts, at + 1, prefix, each);
        prefix.truncate(len);
    }
}

/// Where `pattern` (a head or an option) ends when it is read in `text` from `at`; `None` if
/// the text does not follow it. A space in the pattern is a word boundary (two where options
/// meet are one); a `*` lets the word go on to its end; a `~` is any one whole word.
fn follow(text: &[u8], mut at: usize, pattern: &str) -> Option<usize> {
    for &b in pattern.as_bytes() {
        match b {
            b'~' => {
                let starts_word = at == 0 || text.get(at - 1) == Some(&b' ');
                if !starts_word || at >= text.len() || text[at] == b' ' {
                    return None;
                }
                while at < text.len() && text[at] != b' ' {
                    at += 1;
                }
            }
            b' ' => {
                if text.get(at) == Some(&b' ') {
                    at += 1;
                } else if !(at == 0 || at == text.len() || text[at - 1] == b' ') {
                    return None;
                }
            }
            b'*' => {
                while at < text.len() && text[at] != b' ' {
                    at += 1;
                }
            }
            _ => {
                if text.get(at) != Some(&b) {
                    return None;
                }
                at += 1;
            }
        }
    }
    Some(at)
}

impl Finder {
    fn piece(&self, piece: Piece) -> &str {
        &self.text[piece.start as usize..(piece.start + piece.len) as usize]
    }

    /// The terms of key `slot` that may follow in the text: those that name no letter, and
    /// those listed under `next`, the letter after the space that follows the key.
    fn candidates(&self, slot: usize, next: Option<u8>) -> impl Iterator<Item = &Term> {
        let terms = &self.terms[slot];
        let open = terms.partition_point(|t| t.next == 0);
        let lettered = match next {
            Some(b) if b != 0 => {
                let from = terms.partition_point(|t| t.next < b);
                let to = terms.partition_point(|t| t.next <= b);
                &terms[from.max(open)..to.max(open)]
            }
            _ => &[],
        };
        terms[..open].iter().chain(lettered)
    }

    /// Every place the text from `at` can end after `parts`, one choice of each after another.
    fn ends(&self, text: &[u8], at: usize, parts: &[Part], out: &mut Vec<usize>) {
        let Some((part, rest)) = parts.split_first() else {
            out.push(at);
            return;
        };
        let options = &self.options[part.first as usize..(part.first + part.count) as usize];
        for &option in options {
            if let Some(next) = follow(text, at, self.piece(option)) {
                self.ends(text, next, rest, out);
            }
        }
    }

    /// Every term of an allowed language (`allowed` is a bit set of language indexes) in
    /// `text`, a normalised message whose words begin at the byte offsets `starts`. A term
    /// found twice in the same words (written in two ways) is one hit.
    pub fn find(&self, text: &str, starts: &[u32], allowed: u32, out: &mut Vec<Hit>) {
        let bytes = text.as_bytes();
        let found = out.len();
        let mut ends = Vec::new();
        let elide = allowed & self.elision_languages != 0;
        for m in self.automaton.find_overlapping_iter(text) {
            let (start, key_end) = (m.start(), m.end());
            let first = if start == 0 || bytes[start - 1] == b' ' {
                let Ok(first) = starts.binary_search(&(start as u32)) else {
                    continue;
                };
                first
            } else if elide && key_end - start >= MIN_ELIDED {
                // Inside a word: found only right after an elided article ("l'amoxicilline"
                // reads "lamoxicilline"), before a vowel or an h.
                let Some(word) = starts
                    .partition_point(|&s| s as usize <= start)
                    .checked_sub(1)
                else {
                    continue;
                };
                let prefix = &bytes[starts[word] as usize..start];
                let elided = matches!(bytes[start], b'a' | b'e' | b'i' | b'o' | b'u' | b'h' | b'y')
                    && self.elisions.iter().any(|e| **e == *prefix);
                if !elided {
                    continue;
                }
                word
            } else {
                continue;
            };
            let next = match bytes.get(key_end) {
                Some(b' ') => bytes.get(key_end + 1).copied(),
                _ => None,
            };
            for term in self.candidates(m.pattern().as_usize(), next) {
                if allowed & (1 << term.language) == 0 && !term.everywhere {
                    continue;
                }
                let Some(after_head) = follow(bytes, key_end, self.piece(term.head)) else {
                    continue;
                };
                ends.clear();
                let parts = &self.parts[term.parts_from as usize..term.parts_to as usize];
                self.ends(bytes, after_head, parts, &mut ends);
                for &end in &ends {
                    // A space the term ended on is not part of it.
                    let end = if end > key_end && bytes[end - 1] == b' ' {
                        end - 1
                    } else {
                        end
                    };
                    if end < bytes.len() && bytes[end] != b' ' {
                        continue;
                    }
                    // The word the match ends in.
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
        out[found..].sort_unstable();
        let mut kept = found;
        for i in found..out.len() {
            if kept == found || out[kept - 1] != out[i] {
                out[kept] = out[i];
                kept += 1;
            }
        }
        out.truncate(kept);
    }
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
/// reused buffer: a term of six groups spells out to thousands of phrases. Matching never
/// spells terms out (see [`Builder`]); `calcibot check` does, for terms with a `*`.
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

/// One spelling of a term, in normalised words, as `calcibot check` reads it: `first`, then
/// each of `rest` (each begins with a space) right after the word a `*` let go on; `open` when
/// the last word may go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub first: String,
    pub rest: Vec<String>,
    pub open: bool,
}

/// Whether some spelling of `term` has nothing to match or a `*` inside a word (see
/// [`prepared_terms`]). A term with no `*` has a spelling with nothing to match exactly when
/// each of its parts has an option with no letter or digit, which is read without spelling the
/// term out: the terms of seven languages spell out to half a million phrases.
pub fn has_unmatchable_spelling(term: &str) -> bool {
    if term.contains('*') {
        return prepared_terms(term).iter().any(Option::is_none);
    }
    term_parts(term)
        .iter()
        .all(|options| options.iter().any(|option| option.trim().is_empty()))
}

/// Whether a `~` (any one word) in `term` is not a whole word of its own, or can be a
/// term's first word: terms are found from their first word, which must be written.
pub fn has_misplaced_gap(term: &str) -> bool {
    let not_a_word = term.char_indices().any(|(i, c)| {
        c == '~' && {
            let before = term[..i].chars().next_back();
            let after = term[i + 1..].chars().next();
            !matches!(before, None | Some(' ' | '{' | ','))
                || !matches!(after, None | Some(' ' | '}' | ','))
        }
    });
    not_a_word || can_begin_with_gap(&term_parts(term))
}

/// Whether some spelling of `parts` begins with a `~`.
fn can_begin_with_gap(parts: &[Vec<String>]) -> bool {
    let Some((options, rest)) = parts.split_first() else {
        return false;
    };
    options.iter().any(|option| {
        let option = option.trim_start();
        option.starts_with('~') || (option.is_empty() && can_begin_with_gap(rest))
    })
}

/// A term's spellings as `calcibot check` reads them: `{a,b}` spelled out, each variant cut at
/// its `*`s and normalised. A `*` ends a word ("confundid* con" meets "confundida con"); `None`
/// for a variant with a `*` inside a word or nothing to match.
pub fn prepared_terms(term: &str) -> Vec<Option<Prepared>> {
    let mut out = Vec::new();
    for_each_variant(term, |variant| out.push(prepare(variant)));
    out
}

/// One spelled-out variant, read (see [`prepared_terms`]).
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

/// The words of every language the bot reads that make a bare number a body temperature
/// (`[numbers]` in each language file), normalised: "fiebre 39" and "hoy 39" read the word
/// before, "39 grados" the unit after. "I'm 39" stays an age.
#[derive(Debug, Default)]
pub struct TemperatureWords {
    after: rustc_hash::FxHashSet<String>,
    degrees: rustc_hash::FxHashSet<String>,
}

impl TemperatureWords {
    pub fn new<'a>(
        languages: impl Iterator<Item = &'a crate::knowledge::languages::Numbers>,
    ) -> Self {
        let mut words = TemperatureWords::default();
        for numbers in languages {
            words.after.extend(
                numbers
                    .temperature_after
                    .iter()
                    .map(|w| normalize::normalize(w)),
            );
            words
                .degrees
                .extend(numbers.degrees.iter().map(|w| normalize::normalize(w)));
        }
        words
    }
}

/// The numbers in normalised words, as (word position, what it stands for).
pub fn numbers<'a>(
    words: impl Iterator<Item = &'a str>,
    temperature: &TemperatureWords,
    out: &mut Vec<(u32, Number)>,
) {
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
        // "38.9" is "38 9", and "102.4F" is "102 4f": the unit may ride on the decimal.
        let (tenths, tenths_unit) = split_unit(next);
        let decimal = tenths.len() == 1 && matches!(tenths_unit, "" | "c" | "f");
        let unit_next = matches!(next, "c" | "f") || temperature.degrees.contains(next);
        let with_unit = matches!(unit, "c" | "f");
        let cued = unit.is_empty() && temperature.after.contains(before);
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

    /// Temperature words of three languages, as their files write them.
    fn words() -> TemperatureWords {
        let numbers = |after: &[&str], degrees: &[&str]| crate::knowledge::languages::Numbers {
            temperature_after: after.iter().map(|w| w.to_string()).collect(),
            degrees: degrees.iter().map(|w| w.to_string()).collect(),
        };
        TemperatureWords::new(
            [
                numbers(&["fever", "temp", "today"], &["degrees"]),
                numbers(&["fiebre", "hoy"], &["grados"]),
                numbers(&["Fieber", "heute"], &["Grad"]),
            ]
            .iter(),
        )
    }

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

    /// The numbers `numbers` reads in a normalised text.
    fn numbers_in(text: &str) -> Vec<(u32, Number)> {
        let mut out = Vec::new();
        numbers(text.split(' '), &words(), &mut out);
        out
    }

    #[test]
    fn temperatures_need_a_decimal_or_a_unit() {
        assert_eq!(
            numbers_in("im 39 and my temp is 38 9 or 102f 40 grados"),
            [
                (6, Number::Temperature),
                (9, Number::Temperature),
                (10, Number::Temperature)
            ]
        );
    }

    #[test]
    fn a_decimal_may_carry_the_unit() {
        assert_eq!(
            numbers_in("the thermometer says 102 4f and she is 7 4f"),
            [(3, Number::Temperature)]
        );
        assert_eq!(numbers_in("39 2c since noon"), [(0, Number::Temperature)]);
    }

    #[test]
    fn a_bare_temperature_after_a_fever_or_day_word() {
        assert_eq!(
            numbers_in("no fever yesterday but today 39 and im 39 years old"),
            [(5, Number::Temperature)]
        );
        assert_eq!(
            numbers_in("hoy 39 y fieber 40 aber heute 12"),
            [(1, Number::Temperature), (4, Number::Temperature)]
        );
    }

    #[test]
    fn amounts_and_times_written_in_one_word() {
        assert_eq!(
            numbers_in("60mg 3x a day or 60 mg x2 at 39"),
            [
                (0, Number::DoseAmount),
                (1, Number::Times),
                (7, Number::Times)
            ]
        );
    }

    /// A term's choices are followed as written, not spelled out: each message must find
    /// exactly what the term's spellings, added one by one, find.
    #[test]
    fn choices_are_followed_as_their_spellings_would_be() {
        let terms = [
            "want{,s,ed} to {die,be dead}",
            "{my ,}{left ,}arm",
            "lips {look ,are ,}{a bit ,}{blue,purple}",
            "{ganas,deseos} de {morir*,no despertar*,no estar}",
            "confundid* con {la,el} dieta",
            "smell* {bad,of death}",
            "no {kiero,quiero} {despertar*,vivir}",
            "{fainted,passed out} at {my ,the ,}{blood test*,jab*}",
            "Fièvre {à ,de }{39,40}",
            "{don't,dont} {want ,}to live",
            "{so ,}{very ,}{tired ,} of {it,this}",
            "{quite ,}unwell {now ,}",
        ];
        let mut texts = Vec::new();
        for term in terms {
            for variant in expand_variants(term) {
                let plain = normalize::normalize(&variant.replace('*', "ing"));
                texts.push(format!("so i {plain} today"));
                texts.push(plain.clone());
                // Cut short, and run on into the next word.
                texts.push(plain[..plain.len() - 1].to_string());
                texts.push(format!("{plain}x now"));
            }
        }
        for term in terms {
            let mut written = Builder::default();
            written.add(term, Kind::Concept(0), 0);
            let written = written.build().expect("builds");
            let mut spelled = Builder::default();
            for variant in expand_variants(term) {
                spelled.add(&variant, Kind::Concept(0), 0);
            }
            let spelled = spelled.build().expect("builds");
            let mut found = 0;
            for text in &texts {
                let mut starts = Vec::new();
                word_starts(text, &mut starts);
                let (mut a, mut b) = (Vec::new(), Vec::new());
                written.find(text, &starts, u32::MAX, &mut a);
                spelled.find(text, &starts, u32::MAX, &mut b);
                assert_eq!(a, b, "{term:?} in {text:?}");
                found += a.len();
            }
            assert!(found > 0, "{term:?} found nothing");
        }
    }

    /// A `~` is any one whole word, wherever a word may stand after the first.
    #[test]
    fn a_gap_is_any_one_word() {
        let mut builder = Builder::default();
        builder.add("gave ~ {guitar,watch} to", Kind::Concept(0), 0);
        builder.add("home for {,~ ,~ ~ }cats", Kind::Concept(1), 0);
        let finder = builder.build().expect("builds");
        let found = |text: &str| {
            let mut starts = Vec::new();
            word_starts(text, &mut starts);
            let mut out = Vec::new();
            finder.find(text, &starts, u32::MAX, &mut out);
            out.iter()
                .map(|h| (h.start, h.end, h.kind))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            found("he gave his guitar to me"),
            [(1, 5, Kind::Concept(0))]
        );
        assert_eq!(found("he gave guitar to me"), []);
        assert_eq!(found("he gave his old guitar to me"), []);
        assert_eq!(found("a home for cats"), [(1, 4, Kind::Concept(1))]);
        assert_eq!(found("a home for my two cats"), [(1, 6, Kind::Concept(1))]);
        assert_eq!(found("a home for all my old cats"), []);
    }

    #[test]
    fn a_gap_must_be_a_whole_word_after_the_first() {
        for (term, misplaced) in [
            ("gave ~ away", false),
            ("home for {,~ ,~ ~ }cats", false),
            ("~ away", true),
            ("{,~ }away", true),
            ("{my,~} cats", true),
            ("gave ~s away", true),
            ("gave a~ away", true),
        ] {
            assert_eq!(has_misplaced_gap(term), misplaced, "{term:?}");
        }
    }

    /// The check without spelling out finds exactly what spelling out finds.
    #[test]
    fn unmatchable_spellings_are_found_without_spelling_out() {
        for term in [
            "fever",
            "{a,-} {b,?}",
            "{-,?} {b,c}",
            "{,} ",
            "",
            "x {,-}",
            "{ , }{!,}",
            "want{,s} to {die,!}",
            "{don't,'} {,'}",
            "ab*cd",
            "fever*",
            "{a,-}* b",
            "{x,y",
        ] {
            assert_eq!(
                has_unmatchable_spelling(term),
                prepared_terms(term).iter().any(Option::is_none),
                "{term:?}"
            );
        }
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
