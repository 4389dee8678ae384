//! Chit-chat: greetings, thanks, "help", "are you a bot". Answered kindly, without medical
//! content, and only when the whole message is chit-chat: "hi, can lupus cause lumps?" is a
//! question, not a greeting.

use crate::patterns::{compile_set, RegexSet};

use crate::knowledge::Smalltalk as SmalltalkText;
use crate::language::Analysis;

/// Longer messages are questions with a greeting attached, not small talk.
const MAX_WORDS: usize = 10;

#[derive(Debug)]
pub struct Smalltalk {
    set: RegexSet,
    /// For each pattern in `set`, the index of its text.
    owner: Vec<usize>,
    texts: Vec<SmalltalkText>,
}

impl Smalltalk {
    pub fn new(texts: &[SmalltalkText]) -> Result<Smalltalk, crate::patterns::Error> {
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (i, talk) in texts.iter().enumerate() {
            for pattern in &talk.patterns {
                patterns.push(pattern.as_str());
                owner.push(i);
            }
        }
        Ok(Smalltalk {
            set: compile_set(patterns)?,
            owner,
            texts: texts.to_vec(),
        })
    }

    /// The small-talk text for this message, if the message is small talk.
    pub fn find(&self, analysis: &Analysis) -> Option<&SmalltalkText> {
        if analysis.normalized.is_empty() {
            // Only emoji or punctuation: a wave, most likely.
            return self.by_id("greeting");
        }
        if analysis.words.len() > MAX_WORDS {
            return None;
        }
        let text = analysis.normalized.as_str();
        // "hi, are you a bot?" is the question after the greeting.
        let after_greeting = text
            .split_once(' ')
            .filter(|(first, _)| self.is("greeting", first))
            .map(|(_, rest)| rest);
        let found = after_greeting
            .and_then(|rest| self.matching(rest))
            .or_else(|| self.matching(text))?;
        self.texts.get(found)
    }

    /// The text whose pattern matches `text` first.
    fn matching(&self, text: &str) -> Option<usize> {
        let first = self.set.matches(text.as_bytes()).iter().next()?;
        Some(self.owner[first])
    }

    /// Whether `text` is small talk of kind `id`.
    fn is(&self, id: &str, text: &str) -> bool {
        self.matching(text).is_some_and(|i| self.texts[i].id == id)
    }

    pub fn by_id(&self, id: &str) -> Option<&SmalltalkText> {
        self.texts.iter().find(|t| t.id == id)
    }
}
