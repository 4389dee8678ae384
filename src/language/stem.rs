//! A light English stemmer: enough to let "deposits", "deposit" and "deposited" meet.
//!
//! It only strips common inflections (plurals, -ing, -ed, a final -e). Full Porter stemming
//! conflates words patients keep apart ("organ"/"organic"); the lexicon handles the rest.

/// The stem of one normalised word.
pub fn stem(word: &str) -> String {
    let w = word;
    // Short words, numbers and non-ASCII words stay as they are.
    if w.len() <= 3 || !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return w.to_string();
    }
    let mut s: &str = w;
    let owned;
    if let Some(base) = s.strip_suffix("ies").filter(|b| b.len() >= 2) {
        owned = format!("{base}y");
        s = &owned;
    } else if let Some(base) = s.strip_suffix("sses") {
        owned = format!("{base}ss");
        s = &owned;
    } else if let Some(base) = s
        .strip_suffix("es")
        .filter(|b| b.ends_with(['s', 'x', 'z']) || b.ends_with("ch") || b.ends_with("sh"))
        .filter(|b| b.len() >= 3)
    {
        s = base;
    } else if let Some(base) = s
        .strip_suffix('s')
        .filter(|b| !b.ends_with(['s', 'u', 'i']) && b.len() >= 3)
    {
        s = base;
    } else if let Some(base) = s.strip_suffix("ing").filter(|b| b.len() >= 3) {
        s = undouble(base);
    } else if let Some(base) = s.strip_suffix("ed").filter(|b| b.len() >= 3) {
        s = undouble(base);
    }
    let s = match s.strip_suffix('e') {
        Some(base) if base.len() >= 3 => base,
        _ => s,
    };
    s.to_string()
}

/// "popp" -> "pop", "scrubb" -> "scrub"; "ll", "ss" and "zz" stay ("swell", "press").
fn undouble(base: &str) -> &str {
    let bytes = base.as_bytes();
    let n = bytes.len();
    if n >= 2 && bytes[n - 1] == bytes[n - 2] && !matches!(bytes[n - 1], b'l' | b's' | b'z') {
        &base[..n - 1]
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn inflections_meet() {
        for group in [
            &["deposit", "deposits", "deposited"][..],
            &["squeeze", "squeezing", "squeezed"],
            &["pop", "popping", "popped", "pops"],
            &["injury", "injuries"],
            &["cause", "causes", "caused", "causing"],
            &["rash", "rashes"],
        ] {
            let stems: Vec<String> = group.iter().map(|w| stem(w)).collect();
            assert!(
                stems.windows(2).all(|p| p[0] == p[1]),
                "{group:?} -> {stems:?}"
            );
        }
    }

    #[test]
    fn latin_endings_survive() {
        assert_eq!(stem("calcinosis"), "calcinosis");
        assert_eq!(stem("lupus"), "lupus");
        assert_eq!(stem("is"), "is");
        assert_eq!(stem("10"), "10");
    }
}
