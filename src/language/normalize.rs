//! Unicode-aware normalisation: the one form every message, phrasing and pattern is compared in.
//!
//! Users write "Calcinósis", "DON'T", "lumps!!!" and "calcium—deposits"; all of them should meet
//! the knowledge base's words. The form is: compatibility-decomposed (NFKD) with accents dropped,
//! lowercase, apostrophes removed ("don't" -> "dont"), every other character that is not a letter
//! or digit turned into a space, and single spaces between words.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Characters that join a word rather than split it: "don't" is one word, "dont".
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}'
    )
}

/// Letters that NFKD does not split into a base letter and an accent, written as people type
/// them without the accent ("gorączka" with "l" for "ł", "Strasse" for "Straße").
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'ł' | 'Ł' => "l",
        'ß' | 'ẞ' => "ss",
        'đ' | 'Đ' => "d",
        'ø' | 'Ø' => "o",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        _ => return None,
    })
}

/// The normalised form of `text` (see the module docs).
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        return normalize_ascii(text);
    }
    normalize_unicode(text)
}

/// `normalize` for any text: decomposed, accents dropped, letters folded.
fn normalize_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkd() {
        if is_combining_mark(c) || is_apostrophe(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            match fold(c) {
                Some(folded) => out.push_str(folded),
                None => out.extend(c.to_lowercase()),
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// `normalize` for ASCII text, which decomposition leaves as it is: most messages, and nearly
/// all of the knowledge base's words, which are normalised at start-up.
fn normalize_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for b in text.bytes() {
        if b == b'\'' || b == b'`' {
            continue;
        }
        if b.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(b.to_ascii_lowercase() as char);
        } else {
            pending_space = true;
        }
    }
    out
}

/// `normalize` for a piece of a longer text, keeping one space at an edge where the piece
/// begins or ends with a separator: the pieces of a term written with `{a,b}` variants then
/// join into what the whole would have normalised to ("want" and " to die"), once runs of
/// spaces where two pieces meet are read as one.
pub fn normalize_keeping_edges(text: &str) -> String {
    let separator = |c: Option<char>| c.is_some_and(|c| !c.is_alphanumeric() && !is_apostrophe(c));
    let lead = if separator(text.chars().next()) {
        " "
    } else {
        ""
    };
    let trail = if separator(text.chars().next_back()) {
        " "
    } else {
        ""
    };
    let core = normalize(text);
    if core.is_empty() {
        return if lead.is_empty() { trail } else { lead }.to_string();
    }
    format!("{lead}{core}{trail}")
}

/// The words of `text` in normalised form.
pub fn words(text: &str) -> Vec<String> {
    normalize(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(normalize("  Calcinósis CUTIS?!  "), "calcinosis cutis");
        assert_eq!(normalize("Don’t squeeze—please"), "dont squeeze please");
        assert_eq!(normalize("ｃａｌｃｉｕｍ"), "calcium");
        assert_eq!(normalize("hello? 👋"), "hello");
        assert_eq!(normalize("10.8 mg/dL"), "10 8 mg dl");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("Gorączka, Straße"), "goraczka strasse");
        assert_eq!(normalize("!!!"), "");
    }

    #[test]
    fn ascii_takes_the_short_way_to_the_same_form() {
        for text in [
            "  Don't SQUEEZE--it (10.8 mg/dL)!  ",
            "j'ai `39` de fievre",
            "a\tb\nc",
            "",
        ] {
            assert_eq!(normalize_ascii(text), normalize_unicode(text), "{text:?}");
        }
    }

    #[test]
    fn pieces_keep_their_edge_spaces() {
        assert_eq!(normalize_keeping_edges(" Fièvre, "), " fievre ");
        assert_eq!(normalize_keeping_edges("don't"), "dont");
        assert_eq!(normalize_keeping_edges(" - "), " ");
        assert_eq!(normalize_keeping_edges(""), "");
    }

    #[test]
    fn keeps_other_scripts() {
        assert_eq!(normalize("Кальций"), "кальции");
    }
}
