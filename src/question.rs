//! What counts as a question: not empty, and not longer than anyone writes one.
//!
//! Front ends differ in what they do with a bad one: the CLI refuses it with a clear error,
//! Discord cuts an overlong message (at a word) rather than leave the asker with nothing.

/// The longest question taken whole; Discord's own limit for a message is 2,000 characters
/// (4,000 with Nitro).
pub const MAX_QUESTION_CHARS: usize = 4_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    #[error("the question is empty; type a question about calcium deposits in the skin, e.g. \"what is calcinosis cutis?\"")]
    Empty,
    #[error("the question is {chars} characters long; the limit is {max}. Ask it in fewer words.")]
    TooLong { chars: usize, max: usize },
}

/// `text` as a question, or why it is not one.
pub fn validate(text: &str) -> Result<&str, QuestionError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(QuestionError::Empty);
    }
    let chars = trimmed.chars().count();
    if chars > MAX_QUESTION_CHARS {
        return Err(QuestionError::TooLong {
            chars,
            max: MAX_QUESTION_CHARS,
        });
    }
    Ok(trimmed)
}

/// `text` cut to at most `max` characters, at a word boundary where there is one.
pub fn truncate(text: &str, max: usize) -> &str {
    let text = text.trim();
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return text;
    };
    let head = &text[..cut];
    match head.rfind(char::is_whitespace) {
        Some(space) if space > 0 => head[..space].trim_end(),
        _ => head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_empty_and_overlong() {
        assert_eq!(validate(" \n\t "), Err(QuestionError::Empty));
        let long = "a".repeat(MAX_QUESTION_CHARS + 1);
        assert!(matches!(
            validate(&long),
            Err(QuestionError::TooLong { .. })
        ));
        assert_eq!(validate("  what is it? "), Ok("what is it?"));
    }

    #[test]
    fn truncates_at_a_word() {
        assert_eq!(truncate("one two three", 9), "one two");
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("ééééé", 3), "ééé");
    }
}
