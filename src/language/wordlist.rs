//! English words, so spelling correction leaves real words alone: "paris" is a city, not a typo
//! of "parts", and "swimming" is not a misspelt "slimming".
//!
//! The list is Debian's `wamerican` (SCOWL, by Kevin Atkinson; licence in
//! `data/english-words.COPYRIGHT`), folded by `scripts/english-words.py` into the form messages
//! are compared in and sorted. It is searched where it lies in the binary, by bisection over its
//! lines: nothing is built at start-up, and a look-up costs about seventeen comparisons.

static WORDS: &str = include_str!("../../data/english-words.txt");

/// Whether `word` (normalised: lowercase, no accents) is an English word.
pub fn contains(word: &str) -> bool {
    let bytes = WORDS.as_bytes();
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        // The line holding byte `mid`.
        let start = bytes[..mid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = bytes[mid..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| mid + i);
        match WORDS[start..end].cmp(word) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::contains;

    #[test]
    fn finds_words_and_only_words() {
        for word in ["paris", "parts", "aardvark", "zygote", "swimming", "lumps"] {
            assert!(contains(word), "{word}");
        }
        for word in ["diltiazam", "sucide", "calcinossis", "", "zzzzzz", "aaaa"] {
            assert!(!contains(word), "{word}");
        }
    }
}
