//! Questions about the bot itself (`knowledge/about.toml`): what it stores, where its answers
//! come from, whether to trust it, whether it is a doctor, what it can do, which languages it
//! reads. They get the bot's own answer, never a medical entry: "does the bot store my
//! messages" shares words with the symptoms entry, not its question.

use crate::canned::Canned;
use crate::knowledge::Smalltalk as AboutText;
use crate::language::Analysis;

/// Longer messages are medical questions that mention the bot in passing.
const MAX_WORDS: usize = 30;

#[derive(Debug)]
pub struct About {
    texts: Canned,
}

impl About {
    pub fn new(texts: &[AboutText]) -> Result<About, crate::patterns::Error> {
        Ok(About {
            texts: Canned::new(texts)?,
        })
    }

    /// The answer about the bot this message asks for, if it asks about the bot.
    pub fn find(&self, analysis: &Analysis) -> Option<&AboutText> {
        if analysis.words.len() > MAX_WORDS {
            return None;
        }
        analysis
            .typed_texts()
            .find_map(|text| self.texts.matching(text))
    }
}
