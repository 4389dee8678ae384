//! Turning a message into the words the rest of the core compares: normalisation, spelling
//! correction, the lexicon and stemming, done once per message and shared by the safety layer
//! and the matcher so that both read the same thing.

pub mod detect;
pub mod lexicon;
pub mod normalize;
pub mod sentences;
pub mod spelling;
pub mod stem;

use std::collections::HashSet;

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
}

/// `forms` without repeats, in order.
fn distinct<'a>(forms: &[&'a String]) -> std::vec::IntoIter<&'a str> {
    let mut out: Vec<&str> = Vec::with_capacity(forms.len());
    for form in forms {
        if !out.contains(&form.as_str()) {
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
        Analyzer {
            rewrites,
            spelling,
            stopwords,
        }
    }

    /// Analyses one message.
    pub fn analyze(&self, message: &str) -> Analysis {
        let normalized = normalize::normalize(message);
        let raw: Vec<String> = normalized
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let spelled_words: Vec<String> = raw
            .iter()
            .map(|w| match self.spelling.correct(w) {
                Some(fixed) => fixed.to_string(),
                None => w.clone(),
            })
            .collect();
        let words = self.rewrites.apply(&spelled_words);
        Analysis {
            spelled: spelled_words.join(" "),
            normalized,
            rewritten: words.join(" "),
            terms: self.terms_from(&words),
            words,
        }
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
            if self.stopwords.contains(word) {
                continue;
            }
            // Any number is a reading or an age: one term, so "10.8" meets "10.5".
            let term = if word.bytes().all(|b| b.is_ascii_digit()) {
                NUMBER_TERM.to_string()
            } else {
                stem::stem(word)
            };
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
        terms
    }
}
