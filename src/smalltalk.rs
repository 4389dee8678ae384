//! Chit-chat: greetings, thanks, "help", "are you a bot". Answered kindly, without medical
//! content, and only when the whole message is chit-chat: "hi, can lupus cause lumps?" is a
//! question, not a greeting.

use crate::patterns::{compile_set, RegexSet};

use crate::knowledge::Smalltalk as SmalltalkText;
use crate::language::Analysis;

/// Longer messages are questions with a greeting attached, not small talk.
const MAX_WORDS: usize = 8;

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
        let first = self
            .set
            .matches(analysis.normalized.as_bytes())
            .iter()
            .next()?;
        self.texts.get(self.owner[first])
    }

    pub fn by_id(&self, id: &str) -> Option<&SmalltalkText> {
        self.texts.iter().find(|t| t.id == id)
    }
}
