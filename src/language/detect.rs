//! Which language a message is written in, among the ones the bot reads, or another one.
//!
//! Most messages are English, so the cheap test runs first: short words that belong to one
//! language ("the", "les", "nicht"), given per language in `knowledge/languages/*.toml`.
//! Only when they do not settle it does the `whatlang` crate compare trigram statistics,
//! restricted to the languages the bot reads and a few neighbours (so "another language" can
//! be told apart from one of ours without paying for every language whatlang knows).

use rustc_hash::FxHashMap as HashMap;
use whatlang::{Lang, Script};

/// How many languages the bot can read: the safety layer keeps a message's languages as the
/// bits of a `u32`, and detection counts marker words in an array of this size.
pub const MAX_LANGUAGES: usize = 32;

use crate::knowledge::languages::Language;

/// Latin-script languages the bot does not read, checked so that a Dutch or Swedish message
/// is not taken for German or French. Other scripts are told apart by script alone.
const NEIGHBOURS: &[&str] = &[
    "nld", "swe", "dan", "nob", "ron", "tur", "ces", "hun", "fin", "hrv", "slk", "lit", "lav",
    "est", "slv", "cat", "ind", "epo",
];

/// Messages shorter than this many words are too short for trigram statistics.
const MIN_WORDS_TO_DETECT: usize = 3;

/// With no marker word at all, messages shorter than this are read as English without
/// statistics.
const MIN_WORDS_FOR_STATISTICS: usize = 6;

/// The `whatlang` language for an ISO 639-3 code.
pub fn whatlang_lang(code: &str) -> Option<Lang> {
    Lang::from_code(code)
}

/// What the detector found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    /// One of the bot's languages (an index into the knowledge base's languages), and whether
    /// the evidence is strong enough to tell the writer the bot answers in English.
    Known { index: usize, sure: bool },
    /// A language the bot does not read.
    Other,
    /// Too little to tell (a word or two, or only medical names): treated as English.
    Unknown,
}

#[derive(Debug)]
pub struct Detector {
    whatlang: whatlang::Detector,
    /// The bot's languages as whatlang names them, by index.
    ours: Vec<Option<Lang>>,
    /// Marker word -> the language it points to (a word two languages share is dropped).
    markers: HashMap<String, usize>,
    /// English, the bot's own language, by index.
    english: Option<usize>,
}

impl Detector {
    pub fn new(languages: &[Language]) -> Detector {
        let ours: Vec<Option<Lang>> = languages
            .iter()
            .map(|l| whatlang_lang(&l.whatlang))
            .collect();
        let mut allow: Vec<Lang> = ours.iter().flatten().copied().collect();
        allow.extend(NEIGHBOURS.iter().filter_map(|c| whatlang_lang(c)));
        let mut markers: HashMap<String, usize> = HashMap::default();
        let mut shared: Vec<String> = Vec::new();
        for (index, language) in languages.iter().enumerate() {
            for word in &language.markers {
                let word = crate::language::normalize::normalize(word);
                match markers.get(&word) {
                    Some(&other) if other != index => shared.push(word),
                    _ => {
                        markers.insert(word, index);
                    }
                }
            }
        }
        for word in shared {
            markers.remove(&word);
        }
        Detector {
            whatlang: whatlang::Detector::with_allowlist(allow),
            english: languages.iter().position(|l| l.code == "en"),
            ours,
            markers,
        }
    }

    /// The language of `message`, whose normalised words are `words`.
    pub fn detect<'w>(&self, message: &str, words: impl Iterator<Item = &'w str>) -> Detected {
        let mut counts = [0usize; MAX_LANGUAGES];
        let mut total = 0;
        for word in words {
            total += 1;
            if let Some(&i) = self.markers.get(word) {
                if let Some(slot) = counts.get_mut(i) {
                    *slot += 1;
                }
            }
        }
        let (best, best_count) = counts
            .iter()
            .copied()
            .enumerate()
            .max_by_key(|&(_, c)| c)
            .unwrap_or((0, 0));
        let second = counts
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != best)
            .map(|(_, &c)| c)
            .max()
            .unwrap_or(0);
        if best_count >= 2 && best_count >= 2 * second.max(1) {
            return Detected::Known {
                index: best,
                sure: true,
            };
        }
        // Only English words among the markers, and none of another language's: English,
        // without the cost of trigram statistics.
        if best_count >= 1 && second == 0 && Some(best) == self.english {
            return Detected::Known {
                index: best,
                sure: best_count >= 2,
            };
        }
        // No marker word of any language in a few words ("dystrophic calcinosis meaning"):
        // trigram statistics cannot tell so little either, and cost more than the rest of
        // the reply; read it as English.
        if best_count == 0 && total < MIN_WORDS_FOR_STATISTICS && message.is_ascii() {
            return Detected::Unknown;
        }
        match whatlang::detect_script(message) {
            Some(Script::Latin) | None => {}
            Some(_) => return Detected::Other,
        }
        if total < MIN_WORDS_TO_DETECT {
            return if best_count >= 1 && second == 0 {
                Detected::Known {
                    index: best,
                    sure: false,
                }
            } else {
                Detected::Unknown
            };
        }
        let Some(info) = self.whatlang.detect(message) else {
            return Detected::Unknown;
        };
        match self.ours.iter().position(|l| *l == Some(info.lang())) {
            Some(index) => Detected::Known {
                index,
                sure: info.is_reliable() && best_count + second > 0,
            },
            None if info.is_reliable() => Detected::Other,
            None => Detected::Unknown,
        }
    }
}
