//! Chit-chat: greetings, thanks, "help", "are you a bot". Answered kindly, without medical
//! content, and only when the whole message is chit-chat: "hi, can lupus cause lumps?" is a
//! question, not a greeting.

use crate::canned::Canned;
use crate::knowledge::Smalltalk as SmalltalkText;
use crate::language::Analysis;

/// Longer messages are questions with a greeting attached, not small talk.
const MAX_WORDS: usize = 10;

#[derive(Debug)]
pub struct Smalltalk {
    texts: Canned,
}

impl Smalltalk {
    pub fn new(texts: &[SmalltalkText]) -> Result<Smalltalk, crate::patterns::Error> {
        Ok(Smalltalk {
            texts: Canned::new(texts)?,
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
        after_greeting
            .and_then(|rest| self.texts.matching(rest))
            .or_else(|| self.texts.matching(text))
    }

    /// Whether `text` is small talk of kind `id`.
    fn is(&self, id: &str, text: &str) -> bool {
        self.texts.matching(text).is_some_and(|t| t.id == id)
    }

    pub fn by_id(&self, id: &str) -> Option<&SmalltalkText> {
        self.texts.by_id(id)
    }
}
