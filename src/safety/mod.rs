//! Red flags, checked before any matching: urgent symptoms, crisis, and personal dosing.
//!
//! A message is read sentence by sentence, by meaning: each language's words for each concept
//! ("chest", "pain", "fever", "wound", "wish to die"...) are found in one pass
//! (`concepts`), negated concepts are set aside as clinical text tools do it (`negation`),
//! figures of speech are set aside by the exclusions each language lists, and a red flag is a
//! combination of the remaining concepts within one sentence (`[[rules]]` in `safety.toml`).
//! Exact phrases (the regular expressions of `safety.toml`) still raise their flags too.
//!
//! A second reader, `resemblance`, learns from the labelled messages how crisis messages read,
//! and adds a crisis flag the lists missed, where they saw no reason against one.
//!
//! The writer's language is detected (`language::detect`) so that a safety reply comes in
//! that language; the concepts of English, the bot's own language, are always read.

mod concepts;
mod negation;
pub mod resemblance;

use std::fmt;

use crate::knowledge::languages::{ExclusionScope, FlagKind, Language};
use crate::knowledge::KnowledgeBase;
use crate::language::detect::{Detected, Detector, MAX_LANGUAGES};
use crate::language::Analysis;
use crate::patterns::{Forms, Rule};

pub use concepts::{has_misplaced_gap, has_unmatchable_spelling};
use concepts::{Builder, Finder, Hit, Kind};
pub use resemblance::{Readers, Resemblance};

/// How many more concept words another language must have than the one the detector was sure
/// of before the reply takes that language instead: a shared word or two ("vino") is chance,
/// three more is the writer's language.
const MARGIN_OVER_SURE: u32 = 3;

/// Which flags a message raises.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// Symptoms that need a doctor now.
    pub urgent: bool,
    /// Self-harm or suicide.
    pub crisis: bool,
    /// A personal dose, or starting, stopping or changing a medicine.
    pub dosing: bool,
}

impl Flags {
    fn raise(&mut self, flag: FlagKind) {
        match flag {
            FlagKind::Urgent => self.urgent = true,
            FlagKind::Crisis => self.crisis = true,
            FlagKind::Dosing => self.dosing = true,
        }
    }

    fn union(self, other: Flags) -> Flags {
        Flags {
            urgent: self.urgent || other.urgent,
            crisis: self.crisis || other.crisis,
            dosing: self.dosing || other.dosing,
        }
    }
}

/// What the safety layer makes of a message: its flags and the writer's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub flags: Flags,
    /// The language safety texts are given in: an index into the knowledge base's languages.
    pub language: usize,
    /// Which "I answer in English" note the reply carries, if any.
    pub note: Note,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// English, or too little to tell.
    None,
    /// The note of this language (an index into the knowledge base's languages).
    In(usize),
    /// A language the bot does not read: the English note.
    English,
}

/// A language's safety texts, English's where it has none of its own.
#[derive(Debug, Clone, Copy)]
pub struct Texts<'a> {
    pub code: &'a str,
    pub crisis: &'a str,
    pub crisis_footer: &'a str,
    pub urgent: &'a str,
    pub dosing: &'a str,
}

/// The texts of language `index` of `kb`.
pub fn texts(kb: &KnowledgeBase, index: usize) -> Texts<'_> {
    let safety = &kb.safety;
    let language = kb.languages.get(index);
    let own = |pick: fn(&crate::knowledge::languages::LanguageTexts) -> &Option<String>| {
        language
            .and_then(|l| pick(&l.texts).as_deref())
            .map(str::trim)
    };
    Texts {
        code: language.map_or("en", |l| l.code.as_str()),
        crisis: own(|t| &t.crisis).unwrap_or(safety.crisis.text.trim()),
        crisis_footer: own(|t| &t.crisis_footer).unwrap_or(safety.crisis_footer.trim()),
        urgent: own(|t| &t.urgent).unwrap_or(safety.urgent.text.trim()),
        dosing: own(|t| &t.dosing).unwrap_or(safety.dosing.text.trim()),
    }
}

/// The note for `note`, in its language.
pub fn note_text(kb: &KnowledgeBase, note: Note) -> Option<&str> {
    match note {
        Note::None => None,
        Note::In(index) => kb
            .languages
            .get(index)
            .and_then(|l| l.texts.note.as_deref())
            .or(Some(kb.safety.language_note.as_str()))
            .map(str::trim),
        Note::English => Some(kb.safety.language_note.trim()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SafetyError {
    #[error("a safety pattern does not compile: {0}")]
    Pattern(#[from] crate::patterns::Error),
    #[error("the safety layer's words cannot be searched for: {0}")]
    Words(#[from] aho_corasick::BuildError),
}

#[derive(Debug)]
struct Concept {
    name: String,
    negatable: bool,
    /// Which number written in a message also stands for it ("38.9", "60mg", "3x").
    numbers: Option<concepts::Number>,
    /// Read in every language: it raises crisis and nothing else.
    everywhere: bool,
    /// A rule raising urgent uses it.
    urgent: bool,
}

/// Weak signs, any `at_least` different ones of which, anywhere in a message, raise `flag`.
#[derive(Debug)]
struct Cluster {
    flag: FlagKind,
    signs: Vec<u16>,
    /// Signs counted once per place they are said (see `SignCluster::repeats`).
    repeats: Vec<u16>,
    at_least: usize,
}

#[derive(Debug)]
struct ConceptRule {
    flag: FlagKind,
    /// Every group must be present; a group is satisfied by any of its concepts.
    groups: Vec<Vec<u16>>,
    /// Groups that may be satisfied anywhere in the message.
    anywhere: Vec<Vec<u16>>,
    within: Option<u32>,
}

/// How many words a negation may stand before an exclusion and still deny it: "nicht wie sonst
/// beim Raynaud" is three.
const EXCLUSION_NEGATION_WINDOW: u32 = 3;

#[derive(Debug)]
struct Exclusion {
    cancels: Vec<u16>,
    scope: ExclusionScope,
    /// Why it is not an alarm, as `safety.toml` says, for `--explain`.
    why: String,
}

#[derive(Debug)]
pub struct Safety {
    urgent: Rule,
    crisis: Rule,
    dosing: Rule,
    finder: Finder,
    /// The words that make a bare number a temperature, in every language.
    temperature: concepts::TemperatureWords,
    concepts: Vec<Concept>,
    rules: Vec<ConceptRule>,
    clusters: Vec<Cluster>,
    exclusions: Vec<Exclusion>,
    window: u32,
    detector: Detector,
    /// Language codes, by index; English is index `english`.
    codes: Vec<String>,
    /// For each language, by index, the languages (a bit set) whose words are read when the
    /// detector is sure of it: its own, its family's and English's.
    reads: Vec<u32>,
    english: usize,
    readers: Readers,
    /// The concepts of which each reader needs one found before it is asked.
    needs: Needs,
}

/// For each reader, the concepts of which one must be found, neither negated nor excluded,
/// before it is asked (`needs` in its table of `safety.toml`); none asks always. The dosing
/// reader needs a medicine named somewhere.
#[derive(Debug)]
struct Needs {
    crisis: Vec<u16>,
    urgent: Vec<u16>,
    dosing: Vec<u16>,
}

impl Safety {
    /// The safety layer of `kb`, its lists only: the resemblance reader is trained apart
    /// (`Resemblance::for_base`) and added with `reading_resemblance`, so that a caller can
    /// train it while this builds. Together they are most of start-up.
    pub fn new(kb: &KnowledgeBase) -> Result<Safety, SafetyError> {
        let config = &kb.safety;
        let rule = |r: &crate::knowledge::SafetyRule| {
            Rule::new(&r.patterns, &r.unless, &config.sets, Forms::All)
        };
        let uses = |name: &str, flag: Option<FlagKind>| {
            let wanted = |f: FlagKind| flag.is_none_or(|w| w == f);
            config
                .rules
                .iter()
                .any(|r| wanted(r.flag) && r.concept_names().any(|c| c == name))
                || config
                    .clusters
                    .iter()
                    .any(|c| wanted(c.flag) && c.signs.iter().any(|s| s == name))
        };
        let concepts: Vec<Concept> = config
            .concepts
            .iter()
            .map(|(name, c)| Concept {
                name: name.clone(),
                negatable: c.negatable,
                numbers: if c.temperature {
                    Some(concepts::Number::Temperature)
                } else if c.dose_amount {
                    Some(concepts::Number::DoseAmount)
                } else if c.times {
                    Some(concepts::Number::Times)
                } else {
                    None
                },
                everywhere: uses(name, None)
                    && !uses(name, Some(FlagKind::Urgent))
                    && !uses(name, Some(FlagKind::Dosing)),
                urgent: uses(name, Some(FlagKind::Urgent)),
            })
            .collect();
        let concept_index = |name: &str| -> Option<u16> {
            concepts
                .iter()
                .position(|c| c.name == name.trim())
                .map(|i| i as u16)
        };
        let rules = config
            .rules
            .iter()
            .map(|r| ConceptRule {
                flag: r.flag,
                groups: r
                    .all
                    .iter()
                    .map(|g| g.split('|').filter_map(concept_index).collect())
                    .collect(),
                anywhere: r
                    .anywhere
                    .iter()
                    .map(|g| g.split('|').filter_map(concept_index).collect())
                    .collect(),
                within: r.within.map(|w| w as u32),
            })
            .collect();
        let clusters = config
            .clusters
            .iter()
            .map(|c| Cluster {
                flag: c.flag,
                signs: c.signs.iter().filter_map(|n| concept_index(n)).collect(),
                repeats: c.repeats.iter().filter_map(|n| concept_index(n)).collect(),
                at_least: c.at_least,
            })
            .collect();
        let mut builder = Builder::default();
        let mut exclusions = Vec::new();
        for (l, language) in kb.languages.iter().enumerate().take(MAX_LANGUAGES) {
            let l = l as u8;
            builder.elisions(l, &language.elisions);
            for (name, terms) in &language.concepts {
                let Some(c) = concept_index(name) else {
                    continue;
                };
                for term in terms {
                    if concepts[c as usize].everywhere {
                        builder.add_everywhere(term, Kind::Concept(c), l);
                    } else {
                        builder.add(term, Kind::Concept(c), l);
                    }
                }
            }
            for term in &language.negation.before {
                builder.add(term, Kind::NegateBefore, l);
            }
            for term in &language.negation.after {
                builder.add(term, Kind::NegateAfter, l);
            }
            for term in &language.negation.stop {
                builder.add(term, Kind::Stop, l);
            }
            for term in &language.negation.pause {
                builder.add(term, Kind::Pause, l);
            }
            for term in &language.negation.pseudo {
                builder.add(term, Kind::Pseudo, l);
            }
            for exclusion in &language.exclusions {
                let id = exclusions.len() as u16;
                exclusions.push(Exclusion {
                    cancels: exclusion
                        .cancels
                        .iter()
                        .filter_map(|n| concept_index(n))
                        .collect(),
                    scope: exclusion.scope,
                    why: exclusion.why.clone(),
                });
                for phrase in &exclusion.phrases {
                    builder.add(phrase, Kind::Exclusion(id), l);
                }
                for phrase in &exclusion.unless {
                    builder.add(phrase, Kind::Unless(id), l);
                }
            }
        }
        let needs_of = |settings: &Option<crate::knowledge::ResemblanceSettings>| {
            settings
                .iter()
                .flat_map(|settings| &settings.needs)
                .filter_map(|name| concept_index(name))
                .collect()
        };
        let needs = Needs {
            crisis: needs_of(&config.resemblance),
            urgent: needs_of(&config.urgent_resemblance),
            dosing: needs_of(&config.dosing_resemblance),
        };
        Ok(Safety {
            urgent: rule(&config.urgent)?,
            crisis: rule(&config.crisis)?,
            dosing: rule(&config.dosing)?,
            finder: builder.build()?,
            temperature: concepts::TemperatureWords::new(kb.languages.iter().map(|l| &l.numbers)),
            concepts,
            rules,
            clusters,
            exclusions,
            window: config.negation_window as u32,
            detector: Detector::new(&kb.languages),
            codes: kb.languages.iter().map(|l| l.code.clone()).collect(),
            reads: reads(&kb.languages),
            english: kb
                .languages
                .iter()
                .position(|l| l.code == "en")
                .unwrap_or(0),
            readers: Readers::default(),
            needs,
        })
    }

    /// This layer with `readers` as its second crisis and urgent readers.
    pub fn reading_resemblance(self, readers: Readers) -> Safety {
        Safety { readers, ..self }
    }

    /// The flags `message` (analysed as `analysis`) raises, and the writer's language.
    pub fn check(&self, message: &str, analysis: &Analysis) -> Verdict {
        self.read(message, analysis, None)
    }

    /// What `check` saw, sentence by sentence, for curators (`ask --explain`).
    pub fn explain(&self, message: &str, analysis: &Analysis) -> Explanation {
        let mut explanation = Explanation::default();
        let verdict = self.read(message, analysis, Some(&mut explanation));
        explanation.flags = verdict.flags;
        explanation
    }

    fn read(
        &self,
        message: &str,
        analysis: &Analysis,
        mut explain: Option<&mut Explanation>,
    ) -> Verdict {
        let detected = self.detector.detect(
            message,
            analysis.normalized.split(' ').filter(|w| !w.is_empty()),
        );
        let english = 1u32 << self.english;
        let (allowed, mut language, mut note) = match detected {
            // Sure it is English: English words only ("male" is Italian for pain). Sure it is
            // another language: its family's words too, since neighbours (Spanish and Italian)
            // are easily taken for each other, and English's (medicine names).
            Detected::Known { index, sure: true } => (
                if index == self.english {
                    english
                } else {
                    self.reads.get(index).copied().unwrap_or(u32::MAX) | english
                },
                index,
                if index == self.english {
                    Note::None
                } else {
                    Note::In(index)
                },
            ),
            // Unsure (a short or mixed message): English, unless the concept words found
            // below are another language's.
            Detected::Known { sure: false, .. } => (u32::MAX, self.english, Note::None),
            Detected::Other => (u32::MAX, self.english, Note::English),
            Detected::Unknown => (u32::MAX, self.english, Note::None),
        };

        // The words of each sentence, as positions in the normalised message: the sentence
        // spans the analysis recorded, with the clauses cut from one sentence joined back.
        let mut starts: Vec<u32> = Vec::new();
        concepts::word_starts(&analysis.normalized, &mut starts);
        let word_at = |byte: usize| starts.partition_point(|&s| (s as usize) < byte) as u32;
        let mut sentences: Vec<(u32, u32)> = Vec::with_capacity(analysis.sentences.len());
        // The same sentences as byte ranges: the resemblance readers' windows.
        let mut spans: Vec<(usize, usize)> = Vec::with_capacity(analysis.sentences.len());
        for span in &analysis.sentences {
            let (from, to) = (span.normalized.start, span.normalized.end);
            match (sentences.last_mut(), spans.last_mut()) {
                (Some(last), Some(bytes)) if span.continues => {
                    last.1 = word_at(to);
                    bytes.1 = to;
                }
                _ => {
                    sentences.push((word_at(from), word_at(to)));
                    spans.push((from, to));
                }
            }
        }

        let mut hits: Vec<Hit> = Vec::new();
        self.finder
            .find(&analysis.normalized, &starts, allowed, &mut hits);
        if analysis.normalized.bytes().any(|b| b.is_ascii_digit()) {
            let mut at = Vec::new();
            concepts::numbers(analysis.normalized.split(' '), &self.temperature, &mut at);
            for (start, number) in at {
                if let Some(c) = self.concepts.iter().position(|c| c.numbers == Some(number)) {
                    hits.push(Hit {
                        start,
                        end: start + 1,
                        kind: Kind::Concept(c as u16),
                        language: self.english as u8,
                    });
                }
            }
        }
        // Negation words are read in the writer's language only: "no peito" is Portuguese for
        // "in the chest", not an English "no".
        if let Detected::Known { index, sure: true } = detected {
            hits.retain(|h| {
                !matches!(
                    h.kind,
                    Kind::NegateBefore
                        | Kind::NegateAfter
                        | Kind::Stop
                        | Kind::Pause
                        | Kind::Pseudo
                ) || h.language as usize == index
            });
        }
        // A comma and a new subject ("he not know my name, he vomit") end a negation's reach,
        // whatever the language, but not a clause: "two years ago I had an infection, my finger
        // went black" is still history. A bracketed aside is a clause of its own: "(he died in
        // 2015)" dates nothing outside it.
        let pauses = analysis.pauses.iter().map(|&at| (at, Kind::Pause));
        let asides = analysis.asides.iter().map(|&at| (at, Kind::Stop));
        for (byte, kind) in pauses.chain(asides) {
            let at = word_at(byte);
            hits.push(Hit {
                start: at,
                end: at,
                kind,
                language: self.english as u8,
            });
        }
        // A negation word inside a pseudo-negation ("no para de vomitar") negates nothing.
        let pseudo: Vec<(u32, u32)> = hits
            .iter()
            .filter(|h| h.kind == Kind::Pseudo)
            .map(|h| (h.start, h.end))
            .collect();
        if !pseudo.is_empty() {
            hits.retain(|h| {
                !matches!(h.kind, Kind::NegateBefore | Kind::NegateAfter)
                    || !pseudo.iter().any(|&(s, e)| h.start < e && s < h.end)
            });
        }
        // Too short to tell ("Je veux mourir."): the language whose concept words were found
        // is the best evidence of the writer's language. So it is when detection was sure of
        // a language none of whose concept words were found, and another language's were:
        // Italian full of "le", "ne", "se" can read as French, but "sto mettendo da parte le
        // gocce" is Italian, and the crisis text should be too.
        // Sure of English, but every concept word found is another language's, and two or
        // more ("Er will keine Behandlung mehr, auch keine Dialyse"): German with English-looking
        // words, and the reply should be German.
        let sure = matches!(detected, Detected::Known { sure: true, .. });
        // The detector's guess, sure or not, breaks a tie between languages with as many words.
        let guess = match detected {
            Detected::Known { index, .. } => index,
            _ => self.english,
        };
        if hits.iter().any(|h| matches!(h.kind, Kind::Concept(_))) {
            let mut votes = [0u32; MAX_LANGUAGES];
            let english = self.english as u8;
            for hit in &hits {
                // A word English and another language share ("deposit", "dose") is no
                // evidence either way.
                let shared = hits.iter().any(|e| {
                    (e.language == english) != (hit.language == english)
                        && (e.start, e.end, e.kind) == (hit.start, hit.end, hit.kind)
                });
                if matches!(hit.kind, Kind::Concept(_)) && !shared {
                    votes[hit.language as usize % MAX_LANGUAGES] += 1;
                }
            }
            // English words (medicine names) are shared by every language: another
            // language's words, where there are as many, say more.
            // Where English words led the guess, one foreign word ("warm", "male") is not
            // enough to change it.
            let needed = match detected {
                Detected::Known { index, .. } if index == self.english => 2,
                Detected::Known { sure: true, .. } => 2,
                _ => 1,
            };
            let others = (0..self.codes.len())
                .filter(|&i| {
                    i != self.english && votes[i] >= needed && votes[i] >= votes[self.english]
                })
                .max_by_key(|&i| (votes[i], i == guess));
            // Sure, with a few of its own words found, but far more of another's: dialect
            // taken for a neighbour ("Tengo lo sevelamer... posso pigghiare una pastiglia in
            // più" is Sicilian, not Spanish).
            if sure {
                let outvoted = |best: usize| {
                    votes[language] == 0 || votes[best] >= votes[language] + MARGIN_OVER_SURE
                };
                if let Some(best) = others.filter(|&best| outvoted(best)) {
                    language = best;
                    note = Note::In(best);
                }
            } else if let Some(best) = others {
                language = best;
            } else if votes[self.english] > 0 && matches!(detected, Detected::Unknown) {
                language = self.english;
            }
        }
        // Spelling correction knows English words only; in another language it would turn
        // words into English ones.
        if language == self.english && analysis.spelled != analysis.normalized {
            concepts::word_starts(&analysis.spelled, &mut starts);
            self.finder
                .find(&analysis.spelled, &starts, allowed, &mut hits);
        }
        hits.sort_unstable();
        hits.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.kind == b.kind);

        // First every sentence's live concepts (neither negated nor excluded), then the rules,
        // since some rules take a fact from anywhere in the message.
        let mut live: Vec<(u16, u32, u32)> = Vec::new();
        // An exclusion took a crisis word away ("dying to know"): the writer was read, and
        // the resemblance reader, which knows no figures of speech, is not asked.
        let mut crisis_excused = false;
        // The same for urgent signs ("my Raynaud's", "a scar from years ago"), and the urgent
        // reader is not asked.
        let mut urgent_excused = false;
        let mut bounds: Vec<(usize, usize)> = Vec::with_capacity(sentences.len());
        let mut readings: Vec<SentenceReading> = Vec::new();
        for &(from, to) in &sentences {
            let first = hits.partition_point(|h| h.start < from);
            let last = hits.partition_point(|h| h.start < to);
            let within = &hits[first..last];
            let begin = live.len();
            let mut reading = explain.as_ref().map(|_| SentenceReading {
                text: words(&analysis.normalized, from, to),
                ..SentenceReading::default()
            });
            for hit in within.iter().filter(|h| h.end <= to) {
                let Kind::Concept(c) = hit.kind else {
                    continue;
                };
                let concept = &self.concepts[c as usize];
                let excluded_by = self.excluded(hit, c, within, to);
                let excluded = excluded_by.is_some();
                crisis_excused |= excluded && concept.everywhere;
                urgent_excused |= excluded && concept.urgent;
                let negated =
                    !excluded && concept.negatable && negation::negated(hit, within, self.window);
                if !excluded && !negated {
                    live.push((c, hit.start, hit.end));
                }
                if let Some(reading) = reading.as_mut() {
                    reading.concepts.push(ConceptReading {
                        concept: concept.name.clone(),
                        words: words(&analysis.normalized, hit.start, hit.end),
                        language: self.codes[hit.language as usize].clone(),
                        negated,
                        excluded_by: excluded_by.map(|e| self.exclusions[e].why.clone()),
                    });
                }
            }
            bounds.push((begin, live.len()));
            readings.extend(reading);
        }
        let mut flags = Flags::default();
        for (s, &(begin, end)) in bounds.iter().enumerate() {
            for (i, rule) in self.rules.iter().enumerate() {
                if fires(rule, &live[begin..end], &live) {
                    flags.raise(rule.flag);
                    if let Some(reading) = readings.get_mut(s) {
                        reading.fired.push(format!(
                            "{} (rule {i}: {})",
                            rule.flag.as_str(),
                            self.describe(rule)
                        ));
                    }
                }
            }
        }
        for (i, cluster) in self.clusters.iter().enumerate() {
            // Each sign once, or once per place it is said for the signs that repeat (a
            // longer wording of the same words is the same place).
            let mut said: Vec<(u16, u32, u32)> = live
                .iter()
                .copied()
                .filter(|(c, ..)| cluster.signs.contains(c))
                .collect();
            said.sort_unstable();
            let mut found: Vec<(u16, u32)> = Vec::with_capacity(said.len());
            let mut reach: Option<(u16, u32)> = None;
            for (c, start, end) in said {
                if !cluster.repeats.contains(&c) {
                    found.push((c, 0));
                } else if reach.is_none_or(|(rc, r)| rc != c || start >= r) {
                    found.push((c, start));
                    reach = Some((c, end));
                } else if let Some((_, r)) = reach.as_mut() {
                    *r = (*r).max(end);
                }
            }
            found.sort_unstable();
            found.dedup();
            if found.len() >= cluster.at_least {
                flags.raise(cluster.flag);
                if let Some(explanation) = explain.as_mut() {
                    let names: Vec<&str> = found
                        .iter()
                        .map(|&(c, _)| self.concepts[c as usize].name.as_str())
                        .collect();
                    explanation.clusters.push(format!(
                        "{} (cluster {i}: {} of its signs: {})",
                        cluster.flag.as_str(),
                        found.len(),
                        names.join(" + ")
                    ));
                }
            }
        }
        if let Some(explanation) = explain.as_mut() {
            explanation.sentences = readings;
        }

        let phrases = Flags {
            urgent: self.urgent.matches(analysis),
            crisis: self.crisis.matches(analysis),
            dosing: self.dosing.matches(analysis),
        };
        let mut flags = flags.union(phrases);
        // The resemblance reader adds what the lists missed, and nothing where they found an
        // urgent sign: a story of a black finger and fear reads much like despair, and the
        // urgent reply is the one it needs.
        let too_few = |reader: &Option<Resemblance>| {
            reader.as_ref().is_some_and(|r| starts.len() < r.min_words)
        };
        let lacks =
            |needs: &[u16]| !needs.is_empty() && !live.iter().any(|(c, ..)| needs.contains(c));
        const LACKS: &str = "none of the concepts it needs was found";
        let unasked = first_reason(&[
            (flags.crisis, "the lists found a crisis"),
            (flags.urgent, "the lists found urgent signs"),
            (crisis_excused, "an exclusion took a crisis word away"),
            (lacks(&self.needs.crisis), LACKS),
            (too_few(&self.readers.crisis), "too few words"),
        ]);
        let code = &self.codes[language];
        let explaining = explain.is_some();
        // The message's signs, found once for both readers and their windows.
        let found = std::cell::OnceCell::new();
        // A reader's reading when it is asked; a curator sees it even where it was not, to see
        // how near it came. Whether it flags the message.
        let ask = |reader: &Option<Resemblance>, unasked: Option<&str>| {
            let reading = match reader {
                Some(model) if unasked.is_none() || explaining => {
                    let signs = found.get_or_init(|| resemblance::Signs::of(&analysis.normalized));
                    model.read_signs(code, signs, &spans, explaining)
                }
                _ => None,
            };
            let flags = unasked.is_none() && reading.as_ref().is_some_and(|r| r.resembles());
            (reading, flags)
        };
        let (resemblance, crisis) = ask(&self.readers.crisis, unasked);
        flags.crisis |= crisis;
        // The urgent reader adds urgent signs the lists missed ("feels like someone parked a
        // truck on my chest"): not where a crisis was found, whose reply stands alone, nor
        // where an exclusion excused a sign (Raynaud's that comes back, an old scar).
        let urgent_unasked = first_reason(&[
            (flags.crisis, "a crisis was found"),
            (flags.urgent, "the lists found urgent signs"),
            (urgent_excused, "an exclusion took an urgent sign away"),
            (lacks(&self.needs.urgent), LACKS),
            (too_few(&self.readers.urgent), "too few words"),
        ]);
        let (urgent_resemblance, urgent) = ask(&self.readers.urgent, urgent_unasked);
        flags.urgent |= urgent;
        // The dosing reader adds personal dosing questions the lists missed ("Kann ich do vun
        // e paar nemme?"), only where a medicine is named: a question about taking "them" with
        // no medicine in sight is most often about food or creams of no concern.
        let dosing_unasked = first_reason(&[
            (
                flags.crisis || flags.urgent,
                "a crisis or urgent signs were found",
            ),
            (flags.dosing, "the lists found a dosing question"),
            (lacks(&self.needs.dosing), LACKS),
            (too_few(&self.readers.dosing), "too few words"),
        ]);
        let (dosing_resemblance, dosing) = ask(&self.readers.dosing, dosing_unasked);
        flags.dosing |= dosing;
        if let Some(explanation) = explain {
            // Why a reader was not asked, or that `safety.toml` has no table for it.
            let why = |reader: &Option<Resemblance>, unasked, off: &'static str| match reader {
                Some(_) => unasked,
                None => Some(off),
            };
            explanation.resemblance = resemblance;
            explanation.resemblance_unasked = why(
                &self.readers.crisis,
                unasked,
                "off (no [resemblance] in safety.toml)",
            );
            explanation.urgent_resemblance = urgent_resemblance;
            explanation.urgent_resemblance_unasked = why(
                &self.readers.urgent,
                urgent_unasked,
                "off (no [urgent_resemblance] in safety.toml)",
            );
            explanation.dosing_resemblance = dosing_resemblance;
            explanation.dosing_resemblance_unasked = why(
                &self.readers.dosing,
                dosing_unasked,
                "off (no [dosing_resemblance] in safety.toml)",
            );
            explanation.phrases = phrases;
            explanation.language = match detected {
                Detected::Known { index, sure } => format!(
                    "{}{}",
                    self.codes[index],
                    if sure { "" } else { " (unsure)" }
                ),
                Detected::Other => "another language".into(),
                Detected::Unknown => "too short to tell (read as English)".into(),
            };
        }
        Verdict {
            flags,
            language,
            note,
        }
    }

    /// A rule as concept names: "chest + pain (anywhere: dialysis)".
    fn describe(&self, rule: &ConceptRule) -> String {
        let names = |groups: &[Vec<u16>]| {
            groups
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|&c| self.concepts[c as usize].name.as_str())
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect::<Vec<_>>()
                .join(" + ")
        };
        let mut out = names(&rule.groups);
        if !rule.anywhere.is_empty() {
            out.push_str(&format!(" (anywhere: {})", names(&rule.anywhere)));
        }
        out
    }

    /// The exclusion in the sentence that takes `hit` (of concept `c`) away, if one does.
    /// An exclusion runs on into the next sentence only in the normalised text, which has no
    /// full stops: "zbieram. Na wszelki wypadek" is not "zbieram na" (saving up for), so one
    /// must end in the sentence (`to`) it begins in.
    fn excluded(&self, hit: &Hit, c: u16, sentence: &[Hit], to: u32) -> Option<usize> {
        sentence.iter().find_map(|x| {
            let Kind::Exclusion(e) = x.kind else {
                return None;
            };
            if x.end > to {
                return None;
            }
            let exclusion = &self.exclusions[e as usize];
            // "Not like my usual Raynaud's", "it isn't the cold": a context the writer denies
            // excuses nothing.
            let denied =
                exclusion.scope != ExclusionScope::Phrase && denied_before(sentence, x.start);
            // "The old scar has split open and the edges have gone black": the excuse is
            // undone, unless that too is denied ("it never opened up").
            let undone = sentence.iter().any(|u| {
                u.kind == Kind::Unless(e) && u.end <= to && !denied_before(sentence, u.start)
            });
            if denied || undone {
                return None;
            }
            let cancels = exclusion.cancels.is_empty() || exclusion.cancels.contains(&c);
            let applies = cancels
                && match exclusion.scope {
                    ExclusionScope::Sentence => true,
                    ExclusionScope::Phrase => x.start < hit.end && hit.start < x.end,
                    ExclusionScope::Clause => {
                        let (from, to) = if x.end <= hit.start {
                            (x.end, hit.start)
                        } else {
                            (hit.end, x.start)
                        };
                        from >= to || !negation::stopped(sentence, from, to)
                    }
                };
            applies.then_some(e as usize)
        })
    }
}

/// Whether a negation stands right before word `at` ("not like my usual Raynaud's", "it never
/// opened up"), and not one that is a word of a concept ("no tiene sentido luchar contra el
/// seguro"): a phrase's own negation ("non so come andare avanti con la terapia") is part of
/// its sense.
fn denied_before(sentence: &[Hit], at: u32) -> bool {
    sentence.iter().any(|n| {
        n.kind == Kind::NegateBefore
            && n.end <= at
            && at - n.end <= EXCLUSION_NEGATION_WINDOW
            && !negation::paused(sentence, n.end, at)
            && !sentence
                .iter()
                .any(|h| matches!(h.kind, Kind::Concept(_)) && h.start < n.end && n.start < h.end)
    })
}

/// For each language, the bit set of languages read when the detector is sure of it: itself,
/// and the languages of its family.
fn reads(languages: &[Language]) -> Vec<u32> {
    languages
        .iter()
        .enumerate()
        .map(|(i, language)| {
            let mut mask = 1u32 << (i % MAX_LANGUAGES);
            if let Some(family) = &language.family {
                for (j, other) in languages.iter().enumerate() {
                    if other.family.as_ref() == Some(family) {
                        mask |= 1 << (j % MAX_LANGUAGES);
                    }
                }
            }
            mask
        })
        .collect()
}

/// Whether every group of `rule` has a live concept in the sentence (`live`, as concept and
/// words `start..end`), all within the rule's span, and every `anywhere` group one in the
/// message (`message`).
fn fires(rule: &ConceptRule, live: &[(u16, u32, u32)], message: &[(u16, u32, u32)]) -> bool {
    let Some((first, rest)) = rule.groups.split_first() else {
        return false;
    };
    if !rule
        .anywhere
        .iter()
        .all(|group| message.iter().any(|(c, _, _)| group.contains(c)))
    {
        return false;
    }
    let span = rule.within.unwrap_or(u32::MAX);
    live.iter()
        .filter(|(c, _, _)| first.contains(c))
        .any(|&(_, start, end)| {
            rest.iter().all(|group| {
                live.iter().any(|&(c, from, to)| {
                    group.contains(&c) && words_between((start, end), (from, to)) <= span
                })
            })
        })
}

/// How many words stand between two spans of words (none when they touch or overlap): a long
/// phrase ("nie mam już powodu") is as near what follows it as a short one.
fn words_between(a: (u32, u32), b: (u32, u32)) -> u32 {
    b.0.saturating_sub(a.1).max(a.0.saturating_sub(b.1))
}

/// Words `from..to` of a normalised text.
fn words(text: &str, from: u32, to: u32) -> String {
    text.split(' ')
        .filter(|w| !w.is_empty())
        .skip(from as usize)
        .take((to - from) as usize)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the safety layer saw in a message, for `ask --explain`.
#[derive(Debug, Clone, Default)]
pub struct Explanation {
    /// The language detected, as a code, or why none was.
    pub language: String,
    pub sentences: Vec<SentenceReading>,
    /// The clusters of weak signs that fired, across the message.
    pub clusters: Vec<String>,
    /// Flags raised by the exact phrases of `safety.toml`.
    pub phrases: Flags,
    /// How the message resembled the crisis messages, when the reader was asked.
    pub resemblance: Option<resemblance::Reading>,
    /// Why the resemblance reader was not asked.
    pub resemblance_unasked: Option<&'static str>,
    /// How the message resembled the urgent messages, when that reader was asked.
    pub urgent_resemblance: Option<resemblance::Reading>,
    /// Why the urgent reader was not asked.
    pub urgent_resemblance_unasked: Option<&'static str>,
    /// How the message resembled the personal dosing questions, when that reader was asked.
    pub dosing_resemblance: Option<resemblance::Reading>,
    /// Why the dosing reader was not asked.
    pub dosing_resemblance_unasked: Option<&'static str>,
    /// Every flag raised.
    pub flags: Flags,
}

#[derive(Debug, Clone, Default)]
pub struct SentenceReading {
    /// The sentence, normalised.
    pub text: String,
    pub concepts: Vec<ConceptReading>,
    /// The rules that fired in this sentence.
    pub fired: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ConceptReading {
    pub concept: String,
    /// The words that stood for it.
    pub words: String,
    /// The language whose words they are.
    pub language: String,
    pub negated: bool,
    /// Why an exclusion took it away ("figures of speech: ..."), if one did.
    pub excluded_by: Option<String>,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "language:   {}", self.language)?;
        for (i, sentence) in self.sentences.iter().enumerate() {
            writeln!(f, "sentence {}: {}", i + 1, sentence.text)?;
            for c in &sentence.concepts {
                let state = match (&c.excluded_by, c.negated) {
                    (Some(why), _) => format!(" EXCLUDED ({why})"),
                    (None, true) => " NEGATED".to_string(),
                    (None, false) => String::new(),
                };
                writeln!(
                    f,
                    "  {} <- \"{}\" [{}]{state}",
                    c.concept, c.words, c.language
                )?;
            }
            for rule in &sentence.fired {
                writeln!(f, "  fired: {rule}")?;
            }
        }
        for cluster in &self.clusters {
            writeln!(f, "message fired: {cluster}")?;
        }
        let list = |flags: Flags| {
            let names: Vec<&str> = [
                (flags.urgent, "urgent"),
                (flags.crisis, "crisis"),
                (flags.dosing, "dosing"),
            ]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        };
        writeln!(f, "exact phrases: {}", list(self.phrases))?;
        reader(
            f,
            ("resemblance", "CRISIS"),
            &self.resemblance,
            self.resemblance_unasked,
        )?;
        reader(
            f,
            ("urgent resemblance", "URGENT"),
            &self.urgent_resemblance,
            self.urgent_resemblance_unasked,
        )?;
        reader(
            f,
            ("dosing resemblance", "DOSING"),
            &self.dosing_resemblance,
            self.dosing_resemblance_unasked,
        )?;
        writeln!(f, "flags:      {}", list(self.flags))
    }
}

/// The first of `reasons` that holds: why a reader is not asked, if it is not.
fn first_reason(reasons: &[(bool, &'static str)]) -> Option<&'static str> {
    reasons
        .iter()
        .find(|(holds, _)| *holds)
        .map(|&(_, why)| why)
}

/// One reader's line of `ask --explain`: its score and threshold, or why it was not asked and
/// what it would have read.
fn reader(
    f: &mut std::fmt::Formatter<'_>,
    (name, flag): (&str, &str),
    reading: &Option<resemblance::Reading>,
    unasked: Option<&str>,
) -> std::fmt::Result {
    if let Some(why) = unasked {
        write!(f, "{name}: not asked: {why}")?;
        if let Some(r) = reading {
            write!(
                f,
                " (it would read {:.1} against {:.1}{})",
                r.score,
                r.threshold,
                window(r)
            )?;
        }
        writeln!(f)
    } else if let Some(r) = reading {
        let signs: Vec<String> = r
            .leading
            .iter()
            .map(|(sign, weight)| format!("\"{sign}\" {weight:+.1}"))
            .collect();
        writeln!(
            f,
            "{name}: {:.1} against {:.1}{} [{}]{}; leading signs: {}",
            r.score,
            r.threshold,
            window(r),
            r.language,
            if r.resembles() {
                format!(", {flag}")
            } else {
                String::new()
            },
            signs.join(", ")
        )
    } else {
        writeln!(f, "{name}: no model reads this language")
    }
}

/// ", best sentences 18.2 against 17.0", where the reader read windows.
fn window(reading: &resemblance::Reading) -> String {
    match reading.window {
        Some((score, threshold)) => format!(", best sentences {score:.1} against {threshold:.1}"),
        None => String::new(),
    }
}
