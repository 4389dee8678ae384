//! Canned texts picked by pattern: the bot's own words for small talk and for questions about
//! itself. Both are a list of texts, each with patterns, compiled into one set so a message is
//! read once however many texts there are; the first text whose pattern matches is the answer.

use crate::knowledge::Smalltalk as CannedText;
use crate::patterns::{compile_set, RegexSet};

#[derive(Debug)]
pub struct Canned {
    set: RegexSet,
    /// For each pattern in `set`, the index of its text.
    owner: Vec<usize>,
    texts: Vec<CannedText>,
}

impl Canned {
    pub fn new(texts: &[CannedText]) -> Result<Canned, crate::patterns::Error> {
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            for pattern in &text.patterns {
                patterns.push(pattern.as_str());
                owner.push(i);
            }
        }
        Ok(Canned {
            set: compile_set(patterns)?,
            owner,
            texts: texts.to_vec(),
        })
    }

    /// The text whose pattern matches `text` first.
    pub fn matching(&self, text: &str) -> Option<&CannedText> {
        let first = self.set.matches(text.as_bytes()).iter().next()?;
        self.texts.get(self.owner[first])
    }

    pub fn by_id(&self, id: &str) -> Option<&CannedText> {
        self.texts.iter().find(|t| t.id == id)
    }
}
