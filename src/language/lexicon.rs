//! The lexicon in use: lay words, brand names and spelling variants rewritten into the knowledge
//! base's own words before scoring ("bumps" -> "lumps", "coumadin" -> "warfarin").
//!
//! Keys may be phrases ("blood thinner"); the longest phrase at each position wins, so
//! "calcium channel blocker" is not read as "calcium" followed by something else.

use rustc_hash::FxHashMap as HashMap;

use crate::knowledge::Lexicon;

use super::normalize;

#[derive(Debug, Default)]
pub struct Rewrites {
    /// Phrase (as words) -> replacement words.
    phrases: HashMap<Vec<String>, Vec<String>>,
    /// For each word that begins a phrase, the most words a phrase beginning with it has: most
    /// words begin none, and are looked up once or not at all instead of once per length.
    starts: HashMap<String, usize>,
}

impl Rewrites {
    pub fn new(lexicon: &Lexicon) -> Rewrites {
        let mut rewrites = Rewrites::default();
        for (from, to) in &lexicon.terms {
            let key = normalize::words(from);
            if key.is_empty() {
                continue;
            }
            let most = rewrites.starts.entry(key[0].clone()).or_default();
            *most = (*most).max(key.len());
            rewrites.phrases.insert(key, normalize::words(to));
        }
        rewrites
    }

    /// Every word a rewrite reads or writes, for the spelling index.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.phrases
            .iter()
            .flat_map(|(k, v)| k.iter().chain(v))
            .map(String::as_str)
    }

    /// `words` with every known phrase rewritten.
    pub fn apply(&self, words: &[String]) -> Vec<String> {
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        'outer: while i < words.len() {
            let most = self.starts.get(&words[i]).copied().unwrap_or(0);
            for len in (1..=most.min(words.len() - i)).rev() {
                if let Some(to) = self.phrases.get(&words[i..i + len]) {
                    out.extend(to.iter().cloned());
                    i += len;
                    continue 'outer;
                }
            }
            out.push(words[i].clone());
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_phrase_wins() {
        let mut lexicon = Lexicon::default();
        lexicon.terms.insert("bumps".into(), "lumps".into());
        lexicon
            .terms
            .insert("blood thinner".into(), "warfarin".into());
        lexicon.terms.insert("blood".into(), "blood".into());
        let rewrites = Rewrites::new(&lexicon);
        let words: Vec<String> = "is a blood thinner ok for bumps"
            .split(' ')
            .map(String::from)
            .collect();
        assert_eq!(
            rewrites.apply(&words).join(" "),
            "is a warfarin ok for lumps"
        );
    }
}
