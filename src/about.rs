//! Questions about the bot itself (`knowledge/about.toml`): what it stores, where its answers
//! come from, whether to trust it, whether it is a doctor, what it can do, which languages it
//! reads. They get the bot's own answer, never a medical entry: "does the bot store my
//! messages" shares words with the symptoms entry, not its question.

use crate::knowledge::Smalltalk as AboutText;
use crate::language::Analysis;
use crate::patterns::{compile_set, RegexSet};

/// Longer messages are medical questions that mention the bot in passing.
const MAX_WORDS: usize = 30;

#[derive(Debug)]
pub struct About {
    set: RegexSet,
    /// For each pattern in `set`, the index of its text.
    owner: Vec<usize>,
    texts: Vec<AboutText>,
}

impl About {
    pub fn new(texts: &[AboutText]) -> Result<About, crate::patterns::Error> {
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (i, about) in texts.iter().enumerate() {
            for pattern in &about.patterns {
                patterns.push(pattern.as_str());
                owner.push(i);
            }
        }
        Ok(About {
            set: compile_set(patterns)?,
            owner,
            texts: texts.to_vec(),
        })
    }

    /// The answer about the bot this message asks for, if it asks about the bot.
    pub fn find(&self, analysis: &Analysis) -> Option<&AboutText> {
        if analysis.words.len() > MAX_WORDS {
            return None;
        }
        analysis.typed_texts().find_map(|text| {
            let first = self.set.matches(text.as_bytes()).iter().next()?;
            self.texts.get(self.owner[first])
        })
    }
}
