//! The second crisis reader: how much a message resembles the crisis messages people wrote.
//!
//! The concept lists catch the wording they were written for, and every blind set written after
//! a round of new words still brought wording nobody had listed: "da wär es schnell vorbei",
//! "spero che finisca lì". The labelled messages (`knowledge/examples`) hold thousands of lines
//! in seven languages, crisis and not. A naive Bayes model of them, one per language, over word
//! beginnings (five letters, so "cansada", "cansado" and "cansancio" are one sign) and pairs of
//! them, carries over to wording that shares a word or two with what it learnt from.
//!
//! It only ever adds a crisis flag, and only where the lists saw no reason against one (see
//! `Safety::read`); its threshold is set high, per language, from rounds left out of training.
//!
//! A long story reads as a story: the medical words of the sentences around one line of despair
//! weigh against it, and "I can't do another term of this" drowns in acne and lasers. So a
//! language may also set a threshold for its best *window*, one sentence or two neighbouring
//! ones read alone. Windows are short and picked for their score, so that threshold is higher,
//! and it is set only where rounds left out of training showed windows catch lines the whole
//! message missed without flagging others (`examples/reader_rounds.rs` measures it).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::knowledge::examples::Example;
use crate::knowledge::{KnowledgeBase, ResemblanceSettings};
use crate::language::normalize::normalize;

/// How many letters of a word make its sign: enough to tell words apart, few enough that the
/// forms of one word ("morir", "morire", "morirei") share it.
const PREFIX_CHARS: usize = 5;

/// Laplace smoothing: a sign seen once in one class and never in the other is evidence, not
/// proof.
const SMOOTHING: f64 = 0.5;

/// A language with fewer crisis lines or fewer others than this borrows English's model.
const MIN_EXAMPLES: usize = 2;

/// How many signs `--explain` names.
const EXPLAINED_SIGNS: usize = 5;

/// A sign: a word beginning or a pair of them, as a 32-bit hash. A collision merges two signs'
/// counts, which costs a model of a hundred thousand signs nothing; the half of the memory a
/// 64-bit key would take costs a long-running bot a megabyte or two.
type Sign = u32;

/// The signs are hashes already: hashing them again (SipHash, the map's default) would cost
/// more than every other step of reading a message for resemblance. One multiplication spreads
/// them over the 64 bits the map reads.
#[derive(Default)]
struct SignHasher(u64);

impl Hasher for SignHasher {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv(self.0, bytes);
    }

    fn write_u32(&mut self, sign: u32) {
        self.0 = u64::from(sign);
    }
}

type SignMap<V> = HashMap<Sign, V, BuildHasherDefault<SignHasher>>;

/// One language's model: the weight of each sign (the log of how much likelier it is in a
/// crisis line than in another), and the prior log-odds.
#[derive(Debug)]
struct Model {
    weights: SignMap<f32>,
    prior: f64,
}

/// What a reader learns to tell apart: the lines labelled `label` from every other line but
/// those labelled one of `set_aside`.
pub struct Target<'a> {
    pub label: &'a str,
    pub set_aside: &'a [&'a str],
    pub settings: &'a ResemblanceSettings,
}

/// The readers the knowledge base asks for: crisis lines against every other line
/// (`[resemblance]` in `safety.toml`), and urgent lines against every other line but crisis
/// ones (`[urgent_resemblance]`): a crisis story and an emergency share words ("black",
/// "can't go on"), and each has its own reader.
/// Personal dosing lines are learnt against every line but crisis and urgent ones
/// (`[dosing_resemblance]`): the safety reply those get stands alone.
#[derive(Debug, Default)]
pub struct Readers {
    pub crisis: Option<Resemblance>,
    pub urgent: Option<Resemblance>,
    pub dosing: Option<Resemblance>,
}

impl Readers {
    /// The readers `kb` asks for, trained on its labelled messages; English reads the
    /// languages that have no model of their own.
    pub fn for_base(kb: &KnowledgeBase) -> Readers {
        let wanted = [
            ("crisis", &[][..], &kb.safety.resemblance),
            ("urgent", &["crisis"][..], &kb.safety.urgent_resemblance),
            (
                "dosing",
                &["crisis", "urgent"][..],
                &kb.safety.dosing_resemblance,
            ),
        ];
        let targets: Vec<Target> = wanted
            .iter()
            .filter_map(|&(label, set_aside, settings)| {
                settings.as_ref().map(|settings| Target {
                    label,
                    set_aside,
                    settings,
                })
            })
            .collect();
        let mut trained = Resemblance::train_all(&kb.examples, "en", &targets).into_iter();
        let [crisis, urgent, dosing] =
            wanted.map(|(.., settings)| settings.as_ref().and_then(|_| trained.next()));
        Readers {
            crisis,
            urgent,
            dosing,
        }
    }
}

/// One language's model and what its readings must reach.
#[derive(Debug)]
struct Reader {
    code: String,
    model: Model,
    threshold: f64,
    /// What the best window of one or two sentences must reach; none reads whole messages only.
    window: Option<f64>,
}

/// The resemblance reader: a model per language and the thresholds each must reach.
#[derive(Debug)]
pub struct Resemblance {
    readers: Vec<Reader>,
    /// Shorter messages are not read (see `ResemblanceSettings::min_words`).
    pub min_words: usize,
    /// The model read for a language without one of its own.
    fallback: Option<usize>,
}

/// How a message scored, for `ask --explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The language whose model read it.
    pub language: String,
    pub score: f64,
    pub threshold: f64,
    /// The best window's score and the threshold it must reach, where the language reads
    /// windows and the message has more than one sentence.
    pub window: Option<(f64, f64)>,
    /// The signs that weighed most towards crisis, with their weights.
    pub leading: Vec<(String, f64)>,
}

impl Reading {
    pub fn resembles(&self) -> bool {
        self.score >= self.threshold || self.window.is_some_and(|(score, t)| score >= t)
    }
}

impl Resemblance {
    /// One reader for each target, in order, learnt together: the signs of each line, the
    /// costly part, are found once for all of them.
    pub fn train_all(examples: &[Example], fallback: &str, targets: &[Target]) -> Vec<Resemblance> {
        let mut by_language: Vec<(&str, Vec<&Example>)> = Vec::new();
        for example in examples {
            match by_language
                .iter_mut()
                .find(|(code, _)| *code == example.language)
            {
                Some((_, list)) => list.push(example),
                None => by_language.push((&example.language, vec![example])),
            }
        }
        let mut readers: Vec<Vec<Reader>> = targets.iter().map(|_| Vec::new()).collect();
        for (code, list) in by_language {
            let lines: Vec<(&str, Vec<Sign>)> = list
                .iter()
                // Read as a message is read, so that the two cannot drift apart.
                .map(|e| (e.label.as_str(), Signs::of(&normalize(&e.text)).whole))
                .collect();
            for (target, readers) in targets.iter().zip(&mut readers) {
                let lines = lines
                    .iter()
                    .filter(|(label, _)| !target.set_aside.contains(label))
                    .map(|(label, signs)| (*label == target.label, signs.as_slice()));
                if let Some(model) = Model::learn(lines) {
                    let settings = target.settings;
                    let threshold = settings
                        .languages
                        .get(code)
                        .copied()
                        .unwrap_or(settings.threshold);
                    readers.push(Reader {
                        code: code.to_string(),
                        model,
                        threshold,
                        window: settings.windows.get(code).copied(),
                    });
                }
            }
        }
        targets
            .iter()
            .zip(readers)
            .map(|(target, readers)| Resemblance {
                fallback: readers.iter().position(|r| r.code == fallback),
                readers,
                min_words: target.settings.min_words,
            })
            .collect()
    }

    /// How `normalized` (a normalised message) reads to the model of language `code`; `None`
    /// when neither that language nor the fallback has one. `sentences` are the byte ranges of
    /// its sentences, for the windows. The safety layer finds a message's signs once and calls
    /// `read_signs`; this is for the tests.
    #[cfg(test)]
    pub fn read(
        &self,
        code: &str,
        normalized: &str,
        sentences: &[(usize, usize)],
        explain: bool,
    ) -> Option<Reading> {
        self.read_signs(code, &Signs::of(normalized), sentences, explain)
    }

    /// The same for a message whose signs were found already: the safety layer finds them once
    /// for both readers and every window.
    pub fn read_signs(
        &self,
        code: &str,
        message: &Signs,
        sentences: &[(usize, usize)],
        explain: bool,
    ) -> Option<Reading> {
        let index = self
            .readers
            .iter()
            .position(|r| r.code == code)
            .or(self.fallback)?;
        let reader = &self.readers[index];
        let model = &reader.model;
        let score = model.score(&message.whole);
        // Windows are read only where they could change the answer, or a curator asks.
        let window = match reader.window {
            Some(t) if sentences.len() > 1 && (explain || score < reader.threshold) => {
                // Each sign's weight looked up once; a window sums its own, each once.
                let weighed: Vec<(Sign, f32)> = message
                    .ordered
                    .iter()
                    .map(|&sign| (sign, model.weights.get(&sign).copied().unwrap_or(0.0)))
                    .collect();
                let mut scratch: Vec<(Sign, f32)> = Vec::new();
                let mut best = f64::NEG_INFINITY;
                // A window as wide as the message is the message, read already.
                for width in (1..=2).filter(|&w| w < sentences.len()) {
                    for group in sentences.windows(width) {
                        let range = message.range(group[0].0, group[width - 1].1);
                        scratch.clear();
                        scratch.extend_from_slice(&weighed[range]);
                        scratch.sort_unstable_by_key(|&(sign, _)| sign);
                        scratch.dedup_by_key(|&mut (sign, _)| sign);
                        let sum: f64 = scratch.iter().map(|&(_, w)| f64::from(w)).sum();
                        best = best.max(model.prior + sum);
                    }
                }
                Some((best, t))
            }
            _ => None,
        };
        let mut leading: Vec<(Sign, String, f64)> = Vec::new();
        if explain {
            signs(message.text, |hash, name| match model.weights.get(&hash) {
                Some(&weight) if weight > 0.0 && !leading.iter().any(|l| l.0 == hash) => {
                    leading.push((hash, name(), f64::from(weight)))
                }
                _ => {}
            });
            leading.sort_by(|a, b| b.2.total_cmp(&a.2));
            leading.truncate(EXPLAINED_SIGNS);
        }
        let leading = leading.into_iter().map(|(_, name, w)| (name, w)).collect();
        Some(Reading {
            language: reader.code.clone(),
            score,
            threshold: reader.threshold,
            window,
            leading,
        })
    }
}

impl Model {
    /// The log-odds of a message whose signs are `signs` (each once), its label against the
    /// rest.
    fn score(&self, signs: &[Sign]) -> f64 {
        self.prior
            + signs
                .iter()
                .filter_map(|sign| self.weights.get(sign))
                .map(|&w| f64::from(w))
                .sum::<f64>()
    }

    /// Multinomial naive Bayes over the signs of each line, each sign counted once per line.
    fn learn<'a>(lines: impl Iterator<Item = (bool, &'a [Sign])>) -> Option<Model> {
        // (in crisis lines, in others)
        let mut counts: SignMap<(f64, f64)> = SignMap::default();
        let (mut crisis_total, mut other_total) = (0.0, 0.0);
        let (mut crisis_lines, mut other_lines) = (0usize, 0usize);
        for (crisis, signs) in lines {
            if crisis {
                crisis_lines += 1;
            } else {
                other_lines += 1;
            }
            for &sign in signs {
                let count = counts.entry(sign).or_default();
                if crisis {
                    count.0 += 1.0;
                    crisis_total += 1.0;
                } else {
                    count.1 += 1.0;
                    other_total += 1.0;
                }
            }
        }
        if crisis_lines < MIN_EXAMPLES || other_lines < MIN_EXAMPLES {
            return None;
        }
        let vocabulary = counts.len() as f64;
        let crisis_denominator = crisis_total + SMOOTHING * vocabulary;
        let other_denominator = other_total + SMOOTHING * vocabulary;
        let weights = counts
            .into_iter()
            .map(|(sign, (c, o))| {
                let weight = ((c + SMOOTHING) / crisis_denominator).ln()
                    - ((o + SMOOTHING) / other_denominator).ln();
                (sign, weight as f32)
            })
            .collect();
        Some(Model {
            weights,
            prior: (crisis_lines as f64 / other_lines as f64).ln(),
        })
    }
}

/// The signs of one message, found once for every reader and every window of it.
pub struct Signs<'a> {
    text: &'a str,
    /// In message order: for each word, the pair it ends (from the second word on), then its
    /// own beginning; so the signs of a run of words lie together, but for the pair that ties
    /// its first word to the one before.
    ordered: Vec<Sign>,
    /// For each word, the byte where it starts and the index of its own sign in `ordered`.
    words: Vec<(usize, usize)>,
    /// Every sign once, sorted: what the whole message is read by.
    whole: Vec<Sign>,
}

impl<'a> Signs<'a> {
    pub fn of(normalized: &'a str) -> Signs<'a> {
        let mut ordered = Vec::with_capacity(normalized.len() / 2);
        let mut words = Vec::with_capacity(normalized.len() / 4);
        let mut previous: Option<&str> = None;
        let mut at = 0;
        for word in normalized.split(' ') {
            let start = at;
            at += word.len() + 1;
            if word.is_empty() {
                continue;
            }
            let prefix = prefix(word);
            if let Some(before) = previous {
                ordered.push(hash(&[before, prefix]));
            }
            words.push((start, ordered.len()));
            ordered.push(hash(&[prefix]));
            previous = Some(prefix);
        }
        let mut whole = ordered.clone();
        whole.sort_unstable();
        whole.dedup();
        Signs {
            text: normalized,
            ordered,
            words,
            whole,
        }
    }

    /// The indexes in `ordered` of the signs of the words that start in bytes `from..to`.
    fn range(&self, from: usize, to: usize) -> std::ops::Range<usize> {
        let first = self.words.partition_point(|&(start, _)| start < from);
        let end = self.words.partition_point(|&(start, _)| start < to);
        let begin = self.words.get(first).map_or(self.ordered.len(), |w| w.1);
        // Up to the next word's pair, which ties it to the last word of the window.
        let finish = self.words.get(end).map_or(self.ordered.len(), |w| w.1 - 1);
        begin..finish.max(begin)
    }
}

/// A word's sign: its first `PREFIX_CHARS` letters.
fn prefix(word: &str) -> &str {
    match word.char_indices().nth(PREFIX_CHARS) {
        Some((end, _)) => &word[..end],
        None => word,
    }
}

/// Calls `found` with each sign of `normalized` and a way to name it, for `--explain`: every
/// word's beginning, and every pair of neighbouring beginnings, the signs `Signs::of` finds.
fn signs(normalized: &str, mut found: impl FnMut(Sign, &dyn Fn() -> String)) {
    let mut previous: Option<&str> = None;
    for word in normalized.split(' ').filter(|w| !w.is_empty()) {
        let prefix = prefix(word);
        found(hash(&[prefix]), &|| prefix.to_string());
        if let Some(before) = previous {
            found(hash(&[before, prefix]), &|| format!("{before} {prefix}"));
        }
        previous = Some(prefix);
    }
}

/// FNV-1a over the parts, with a separator no normalised word contains, folded to 32 bits.
fn hash(parts: &[&str]) -> Sign {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        h = fnv(fnv(h, part.as_bytes()), b"\0");
    }
    // Both halves: FNV's high bits are its best mixed.
    (h ^ (h >> 32)) as Sign
}

/// FNV-1a's step over `bytes`, from the state `h`.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(text: &str, label: &str, language: &str) -> Example {
        Example {
            file: "examples/test.jsonl".into(),
            line: 1,
            text: text.into(),
            label: label.into(),
            also: Vec::new(),
            language: language.into(),
        }
    }

    fn settings(threshold: f64) -> ResemblanceSettings {
        ResemblanceSettings {
            threshold,
            min_words: 0,
            languages: Default::default(),
            windows: Default::default(),
            needs: Vec::new(),
        }
    }

    /// A crisis reader learnt from `examples`; `fallback` reads the languages without a model.
    fn train(examples: &[Example], settings: &ResemblanceSettings, fallback: &str) -> Resemblance {
        let target = Target {
            label: "crisis",
            set_aside: &[],
            settings,
        };
        let [reader]: [Resemblance; 1] = Resemblance::train_all(examples, fallback, &[target])
            .try_into()
            .expect("one reader a target");
        reader
    }

    /// Two crisis lines in a wording of their own.
    fn fog() -> [Example; 2] {
        [
            example(
                "I feel the grey fog pulling me under for good",
                "crisis",
                "en",
            ),
            example(
                "the fog is pulling at me and I want it to win",
                "crisis",
                "en",
            ),
        ]
    }

    fn trained() -> Resemblance {
        let [first, second] = fog();
        train(
            &[
                first,
                second,
                example(
                    "my finger is red and hot with fog on the window",
                    "urgent",
                    "en",
                ),
                example(
                    "what cream helps the lumps on my elbow",
                    "home-remedies",
                    "en",
                ),
                example("can I pull the lump out myself", "popping-squeezing", "en"),
            ],
            &settings(0.0),
            "en",
        )
    }

    #[test]
    fn the_words_of_crisis_lines_weigh_towards_crisis() {
        let model = trained();
        let near = model
            .read("en", "the fog keeps pulling me under", &[], true)
            .expect("English has a model");
        let far = model
            .read("en", "which cream for the lump on my elbow", &[], false)
            .expect("English has a model");
        assert!(near.resembles(), "{near:?}");
        assert!(!far.resembles(), "{far:?}");
        assert!(near.score > far.score);
        assert!(
            near.leading.iter().any(|(sign, _)| sign == "pulli"),
            "{near:?}"
        );
    }

    #[test]
    fn a_language_without_a_model_is_read_by_the_fallback() {
        let model = trained();
        let reading = model
            .read("de", "the fog keeps pulling me under", &[], false)
            .expect("the fallback reads it");
        assert_eq!(reading.language, "en");
    }

    #[test]
    fn a_language_with_too_few_lines_gets_no_model() {
        let model = train(
            &[
                example("quiero morir", "crisis", "es"),
                example("que crema uso", "home-remedies", "es"),
            ],
            &settings(0.0),
            "en",
        );
        assert_eq!(model.read("es", "quiero morir", &[], false), None);
    }

    #[test]
    fn a_language_threshold_overrides_the_default() {
        let mut settings = settings(5.0);
        settings.languages.insert("en".into(), -100.0);
        let model = train(
            &[
                example("the fog pulls", "crisis", "en"),
                example("the fog lifts", "crisis", "en"),
                example("a cream", "none", "en"),
                example("a lump", "none", "en"),
            ],
            &settings,
            "en",
        );
        let reading = model.read("en", "a cream", &[], false).expect("a model");
        assert_eq!(reading.threshold, -100.0);
        assert!(reading.resembles());
    }

    /// Byte ranges of the sentences of `text`, split at ". ".
    fn sentences(text: &str) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        let mut start = 0;
        for (at, _) in text.match_indices(". ") {
            spans.push((start, at));
            start = at + 2;
        }
        spans.push((start, text.len()));
        spans
    }

    #[test]
    fn one_sentence_of_despair_in_a_long_story_is_read_alone_where_the_language_says() {
        let story = "what cream helps the lumps on my elbow. the fog keeps pulling me under. \
                     can i pull the lump out myself. which cream for the lump on my elbow";
        let spans = sentences(story);
        let mut with_windows = settings(0.0);
        with_windows.windows.insert("en".into(), 0.0);
        let [first, second] = fog();
        let examples = [
            first,
            second,
            example(
                "what cream helps the lumps on my elbow",
                "home-remedies",
                "en",
            ),
            example("can I pull the lump out myself", "popping-squeezing", "en"),
            example("which cream for the lump on my elbow", "none", "en"),
        ];
        let whole_only = train(&examples, &settings(0.0), "en")
            .read("en", story, &spans, false)
            .expect("a model");
        assert!(whole_only.score < 0.0, "{whole_only:?}");
        assert_eq!(whole_only.window, None);
        assert!(!whole_only.resembles());

        let reading = train(&examples, &with_windows, "en")
            .read("en", story, &spans, false)
            .expect("a model");
        let (best, threshold) = reading.window.expect("windows are read");
        assert!(best > threshold, "{reading:?}");
        assert!(reading.resembles());

        // A story of lumps alone has no window that reads as despair.
        let calm = "what cream helps the lumps on my elbow. can i pull the lump out myself";
        let reading = train(&examples, &with_windows, "en")
            .read("en", calm, &sentences(calm), false)
            .expect("a model");
        assert!(!reading.resembles(), "{reading:?}");
    }

    #[test]
    fn each_target_learns_its_own_label_and_leaves_aside_what_it_is_told() {
        let examples = [
            example("my toe went black and smells", "urgent", "en"),
            example("his toe is black and cold and smells", "urgent", "en"),
            example("I want the black fog to take me", "crisis", "en"),
            example("the black fog will take me tonight", "crisis", "en"),
            example("which cream for the lump on my toe", "none", "en"),
            example("is the lump on my elbow calcium", "none", "en"),
        ];
        let settings = settings(0.0);
        let targets = [
            Target {
                label: "crisis",
                set_aside: &[],
                settings: &settings,
            },
            Target {
                label: "urgent",
                set_aside: &["crisis"],
                settings: &settings,
            },
        ];
        let [crisis, urgent]: [Resemblance; 2] = Resemblance::train_all(&examples, "en", &targets)
            .try_into()
            .expect("one reader a target");
        let read = |reader: &Resemblance, text: &str| {
            reader.read("en", text, &[], false).expect("a model").score
        };
        let toe = "her toe went black and smells";
        let fog = "the black fog will take me";
        assert!(read(&urgent, toe) > read(&urgent, "which cream for the lump"));
        assert!(read(&crisis, fog) > read(&crisis, toe));
        // The urgent reader never saw the crisis lines, as others or otherwise: "fog" is
        // unknown to it, so weighs nothing either way.
        assert_eq!(read(&urgent, "fog"), read(&urgent, "zzz"));
        assert_ne!(read(&crisis, "fog"), read(&crisis, "zzz"));
    }

    #[test]
    fn word_beginnings_join_the_forms_of_a_word() {
        let mut names = Vec::new();
        signs("morire morirei", |_, name| names.push(name()));
        assert_eq!(names, ["morir", "morir", "morir morir"]);
    }
}
