//! Typo tolerance: "diltiazam" should still find diltiazem, "sucide" should still raise a flag.
//!
//! Comparing a word with every word of the vocabulary by edit distance grows with the base; a
//! 10,000-entry base would make every message slow. Instead, as SymSpell does, each vocabulary
//! word is indexed under itself and every form with one letter deleted. A misspelt word's own
//! one-deletion forms then meet every word within one edit (and many within two) by hash
//! look-up, and only those few candidates are measured with `strsim`.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Words shorter than this are never corrected: "cat" is not a typo of "cap".
const MIN_LEN: usize = 4;
/// Words up to this long are corrected only for swapped letters.
const SHORT_LEN: usize = 4;
/// Words this long may be two edits away ("thiosulfste" -> "thiosulfate").
const TWO_EDITS_FROM: usize = 8;

#[derive(Debug, Default)]
pub struct SpellingIndex {
    words: Vec<String>,
    /// How often each word occurs in the base: the tie-break between equally near words.
    counts: Vec<u32>,
    known: HashMap<String, u32>,
    deletes: HashMap<String, Vec<u32>>,
}

impl SpellingIndex {
    /// Builds the index over `vocabulary` (words may repeat; repeats count as frequency).
    pub fn new<'a>(vocabulary: impl IntoIterator<Item = &'a str>) -> SpellingIndex {
        let mut index = SpellingIndex::default();
        for word in vocabulary {
            if let Some(&id) = index.known.get(word) {
                index.counts[id as usize] += 1;
                continue;
            }
            let id = index.words.len() as u32;
            index.words.push(word.to_string());
            index.counts.push(1);
            index.known.insert(word.to_string(), id);
            if word.chars().count() >= MIN_LEN - 1 {
                for deleted in deletions(word) {
                    let ids = index.deletes.entry(deleted).or_default();
                    if ids.last() != Some(&id) {
                        ids.push(id);
                    }
                }
            }
        }
        index
    }

    pub fn contains(&self, word: &str) -> bool {
        self.known.contains_key(word)
    }

    /// The vocabulary word `word` was most likely meant to be, if it is not a word already.
    pub fn correct(&self, word: &str) -> Option<&str> {
        let len = word.chars().count();
        if len < MIN_LEN || self.contains(word) || !word.chars().all(char::is_alphabetic) {
            return None;
        }
        // A real English word is what the writer meant, even one letter from ours: "paris"
        // is not "parts".
        if super::wordlist::contains(word) {
            return None;
        }
        let allowed = if len >= TWO_EDITS_FROM { 2 } else { 1 };
        let first = word.chars().next();
        let mut candidates: HashSet<u32> = HashSet::default();
        for form in std::iter::once(word.to_string()).chain(deletions(word)) {
            if let Some(&id) = self.known.get(&form) {
                candidates.insert(id);
            }
            if let Some(ids) = self.deletes.get(&form) {
                candidates.extend(ids);
            }
        }
        candidates
            .into_iter()
            .filter_map(|id| {
                let candidate = &self.words[id as usize];
                // Short words keep their first letter: few typos hit it, and without this
                // rule too many real words sit one edit from a vocabulary word.
                if len < 6 && candidate.chars().next() != first {
                    return None;
                }
                // Four letters are too few to tell a typo from another word ("head" is not
                // "heal"); only swapped letters ("pian" -> "pain") are taken as typos.
                if len <= SHORT_LEN && !same_letters(word, candidate) {
                    return None;
                }
                let distance = strsim::osa_distance(word, candidate);
                // Two edits away is a typo only if the word starts right: "arterial" is two
                // edits from "material" too.
                if distance == 2 && candidate.chars().next() != first {
                    return None;
                }
                (distance <= allowed).then_some((distance, id))
            })
            .min_by(|a, b| {
                a.0.cmp(&b.0)
                    .then(self.counts[b.1 as usize].cmp(&self.counts[a.1 as usize]))
                    .then(self.words[a.1 as usize].cmp(&self.words[b.1 as usize]))
            })
            .map(|(_, id)| self.words[id as usize].as_str())
    }
}

/// Whether `a` and `b` hold the same letters, in any order.
fn same_letters(a: &str, b: &str) -> bool {
    let mut a: Vec<char> = a.chars().collect();
    let mut b: Vec<char> = b.chars().collect();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// Every form of `word` with one character deleted.
fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    word.char_indices().map(move |(i, c)| {
        let mut form = String::with_capacity(word.len());
        form.push_str(&word[..i]);
        form.push_str(&word[i + c.len_utf8()..]);
        form
    })
}

#[cfg(test)]
mod tests {
    use super::SpellingIndex;

    fn index() -> SpellingIndex {
        SpellingIndex::new(
            "diltiazem dystrophic calcinosis suicide verapamil thiosulfate cap scrotum pain"
                .split(' '),
        )
    }

    #[test]
    fn corrects_near_misses() {
        let index = index();
        assert_eq!(index.correct("diltiazam"), Some("diltiazem"));
        assert_eq!(index.correct("dystropic"), Some("dystrophic"));
        assert_eq!(index.correct("calcinossis"), Some("calcinosis"));
        assert_eq!(index.correct("sucide"), Some("suicide"));
        assert_eq!(index.correct("verapamli"), Some("verapamil"));
        assert_eq!(index.correct("thiosulfste"), Some("thiosulfate"));
        assert_eq!(index.correct("pian"), Some("pain"));
    }

    #[test]
    fn leaves_known_short_and_distant_words() {
        let index = index();
        assert_eq!(index.correct("diltiazem"), None);
        assert_eq!(index.correct("cat"), None);
        assert_eq!(index.correct("swimming"), None);
        assert_eq!(
            SpellingIndex::new(["parts"]).correct("paris"),
            None,
            "a real English word"
        );
        assert_eq!(index.correct("1234"), None);
        assert_eq!(
            index.correct("caps"),
            None,
            "four letters: another word, not a typo"
        );
    }
}
