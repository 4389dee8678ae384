//! Turning a message into the words the rest of the core compares: normalisation, spelling
//! correction, the lexicon and stemming, done once per message and shared by the safety layer
//! and the matcher so that both read the same thing.

pub mod detect;
pub mod lexicon;
pub mod normalize;
pub mod sentences;
pub mod spelling;
pub mod stem;
pub mod wordlist;

use rustc_hash::FxHashSet as HashSet;

use crate::knowledge::KnowledgeBase;

use lexicon::Rewrites;
use spelling::SpellingIndex;

/// The term every number becomes.
pub const NUMBER_TERM: &str = "#number";

/// What a message says, in the forms the safety layer and the matcher need.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// The message normalised, before anything is corrected.
    pub normalized: String,
    /// After spelling correction, before the lexicon (patterns are written against this form).
    pub spelled: String,
    /// After the lexicon: the knowledge base's own words.
    pub words: Vec<String>,
    /// `words` joined with single spaces.
    pub rewritten: String,
    /// Stems of the meaningful words, without stopwords or repeats, in message order.
    pub terms: Vec<String>,
    /// The message's sentences and clauses, in order, with where each lies in the forms above.
    pub sentences: Vec<Span>,
    /// For each term, the sentences it occurs in, as a bit set: bit `i` for sentence `i`
    /// (sentences past the 64th share the last bit). The matcher reads the asking sentences
    /// apart from the story around them by masking terms, without analysing anything twice.
    pub term_sentences: Vec<u64>,
    /// Byte offsets in `normalized` where a clause with a new subject starts after a comma
    /// inside a sentence ("..., he vomit"): where a negation's reach ends.
    pub pauses: Vec<usize>,
    /// Byte offsets in `normalized` where a bracketed aside opens or closes: where a clause
    /// ends for the safety layer.
    pub asides: Vec<usize>,
}

/// Where one sentence (or clause) of a message lies in each form of the analysis.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Span {
    pub normalized: std::ops::Range<usize>,
    pub spelled: std::ops::Range<usize>,
    pub rewritten: std::ops::Range<usize>,
    /// It ended with a question mark.
    pub question_mark: bool,
    /// A clause cut from the same sentence as the span before it: the safety layer, which
    /// reads whole sentences, joins it back.
    pub continues: bool,
}

/// The bit of sentence `i` in a sentence set.
pub fn sentence_bit(i: usize) -> u64 {
    1u64 << i.min(63)
}

/// The set of the first `count` sentences.
pub fn first_sentences(count: usize) -> u64 {
    (0..count).fold(0, |set, i| set | sentence_bit(i))
}

impl Analysis {
    /// The forms a pattern is tried against, without repeats: as typed, spell-corrected and
    /// rewritten by the lexicon.
    pub fn texts(&self) -> std::vec::IntoIter<&str> {
        distinct(&[&self.normalized, &self.spelled, &self.rewritten])
    }

    /// As typed and spell-corrected only.
    pub fn typed_texts(&self) -> std::vec::IntoIter<&str> {
        distinct(&[&self.normalized, &self.spelled])
    }

    /// The forms of one sentence, like `texts`.
    pub fn sentence_texts(&self, span: &Span) -> std::vec::IntoIter<&str> {
        distinct(&[
            &self.normalized[span.normalized.clone()],
            &self.spelled[span.spelled.clone()],
            &self.rewritten[span.rewritten.clone()],
        ])
    }

    /// The forms of one sentence as typed and spell-corrected, like `typed_texts`.
    pub fn sentence_typed_texts(&self, span: &Span) -> std::vec::IntoIter<&str> {
        distinct(&[
            &self.normalized[span.normalized.clone()],
            &self.spelled[span.spelled.clone()],
        ])
    }
}

/// `forms` without repeats, in order.
fn distinct<'a>(forms: &[&'a str]) -> std::vec::IntoIter<&'a str> {
    let mut out: Vec<&str> = Vec::with_capacity(forms.len());
    for &form in forms {
        if !out.contains(&form) {
            out.push(form);
        }
    }
    out.into_iter()
}

/// Reads messages the knowledge base's way.
#[derive(Debug)]
pub struct Analyzer {
    rewrites: Rewrites,
    spelling: SpellingIndex,
    stopwords: HashSet<String>,
    /// The marker words of the other languages the bot reads: a real word of the writer's
    /// language is what they meant, not a typo of a vocabulary word one letter away
    /// ("questo" is not "queso", which the lexicon would then read as cheese).
    foreign: HashSet<String>,
}

impl Analyzer {
    pub fn new(kb: &KnowledgeBase) -> Analyzer {
        let rewrites = Rewrites::new(&kb.lexicon);
        let stopwords: HashSet<String> = kb.lexicon.stopwords.iter().cloned().collect();
        let mut vocabulary: Vec<String> = Vec::new();
        for entry in &kb.entries {
            for text in entry
                .questions
                .iter()
                .chain(&entry.keywords)
                .chain([&entry.title, &entry.answer])
            {
                vocabulary.extend(normalize::words(text));
            }
        }
        for word in &kb.safety.vocabulary {
            vocabulary.extend(normalize::words(word));
        }
        vocabulary.extend(rewrites.words().map(str::to_string));
        vocabulary.extend(stopwords.iter().cloned());
        let spelling = SpellingIndex::new(vocabulary.iter().map(String::as_str));
        let foreign = kb
            .languages
            .iter()
            .flat_map(|l| &l.markers)
            .flat_map(|m| normalize::words(m))
            .collect();
        Analyzer {
            rewrites,
            spelling,
            stopwords,
            foreign,
        }
    }

    /// Analyses one message, sentence by sentence: the lexicon does not join words across a
    /// sentence's end, and the matcher can tell the asking sentences from the story.
    pub fn analyze(&self, message: &str) -> Analysis {
        let mut analysis = Analysis::default();
        let mut words: Vec<String> = Vec::new();
        for (i, sentence) in sentences::clauses(message).into_iter().enumerate() {
            let normalized = normalize::normalize(sentence.text);
            if normalized.is_empty() {
                continue;
            }
            let spelled: Vec<String> = normalized
                .split(' ')
                .map(|w| {
                    let fixed = (!self.foreign.contains(w))
                        .then(|| self.spelling.correct(w))
                        .flatten();
                    fixed.unwrap_or(w).to_string()
                })
                .collect();
            let rewritten = self.rewrites.apply(&spelled);
            let a = &mut analysis;
            let before = a.normalized.len() + usize::from(!a.normalized.is_empty());
            let at = |cut: usize| {
                let head = normalize::normalize(&sentence.text[..cut]);
                before + head.len() + usize::from(!head.is_empty())
            };
            a.pauses
                .extend(sentences::pauses(sentence.text).into_iter().map(at));
            a.asides
                .extend(sentences::asides(sentence.text).into_iter().map(at));
            let span = Span {
                normalized: append(&mut a.normalized, &normalized),
                spelled: append(&mut a.spelled, &spelled.join(" ")),
                rewritten: append(&mut a.rewritten, &rewritten.join(" ")),
                question_mark: sentence.question_mark,
                continues: sentence.continues && !a.sentences.is_empty(),
            };
            let bit = sentence_bit(i);
            for word in &rewritten {
                let Some(term) = self.term(word) else {
                    continue;
                };
                match a.terms.iter().position(|t| *t == term) {
                    Some(t) => a.term_sentences[t] |= bit,
                    None => {
                        a.terms.push(term);
                        a.term_sentences.push(bit);
                    }
                }
            }
            a.sentences.push(span);
            words.extend(rewritten);
        }
        analysis.words = words;
        analysis
    }

    /// The terms of a knowledge-base text (a phrasing or keyword): no spelling correction, since
    /// the base is curated, but the same lexicon, stopwords and stems as messages.
    pub fn terms_of(&self, text: &str) -> Vec<String> {
        self.terms_from(&self.rewrites.apply(&normalize::words(text)))
    }

    /// Stems of the words that are not stopwords, each once, in order.
    fn terms_from(&self, words: &[String]) -> Vec<String> {
        let mut terms: Vec<String> = Vec::with_capacity(words.len());
        for word in words {
            if let Some(term) = self.term(word) {
                if !terms.contains(&term) {
                    terms.push(term);
                }
            }
        }
        terms
    }

    /// The term a word counts as, or `None` for a stopword.
    fn term(&self, word: &str) -> Option<String> {
        if self.stopwords.contains(word) {
            return None;
        }
        // Any number is a reading or an age: one term, so "10.8" meets "10.5".
        Some(if word.bytes().all(|b| b.is_ascii_digit()) {
            NUMBER_TERM.to_string()
        } else {
            stem::stem(word)
        })
    }
}

/// Appends `piece` to `text`, a space between, and returns where it lies.
fn append(text: &mut String, piece: &str) -> std::ops::Range<usize> {
    if !text.is_empty() {
        text.push(' ');
    }
    let start = text.len();
    text.push_str(piece);
    start..text.len()
}
