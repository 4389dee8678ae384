//! Reading a message the way a nurse reads a forum post: first what is asked, then what it is
//! about (`knowledge/facets.toml`).
//!
//! - The **focus** is the sentences that ask: a question mark, a question word or "can / should
//!   / is" at the start, a request ("tell me", "explain"). When none asks, the whole message is
//!   the question ("calcinosis cutis causes").
//! - The **aspects** asked (treatment, cause, outlook...) are read in the focus only, so a long
//!   story cannot drown the question.
//! - The **subjects** (scleroderma, dialysis, a baby, a drug...) are read in the whole message,
//!   counting more when the asking sentence names them.
//!
//! Each entry answers some aspect × subject pairs; the facet signal says how well an entry's
//! pairs fit what was read, and an aspect's general entry stands in when no entry fits the
//! message's subjects ("what can be done?" after a scleroderma story is the treatment overview,
//! not the autoimmune-causes entry).

use crate::knowledge::KnowledgeBase;
use crate::language::{sentence_bit, Analysis};
use crate::patterns::{compile_set, RegexSet};

/// A subject named only in the story around the question counts this much.
pub const STORY_SUBJECT: f32 = 0.5;
/// How many sentences back an asking sentence that points back ("it") looks for its subject.
const LOOK_BACK: usize = 3;
/// A story naming this many subjects...
const CROWDED_STORY: usize = 3;
/// ...has each count only this much.
const CROWDED_SUBJECT: f32 = 0.25;
/// An entry answering anything about its subject ("*") fits a little less than one made for
/// the very aspect asked: "does laser removal stop them coming back" is about recurrence.
pub const ANY_ASPECT: f32 = 0.8;

/// The bit of aspect or subject `i` in a facet set (a `u64`; the 64th and later share the last
/// bit rather than overflow).
fn bit(i: usize) -> u64 {
    1u64 << i.min(63)
}

/// One aspect × subject pair an entry answers.
#[derive(Debug, Clone, Copy)]
struct Facet {
    /// `None`: any aspect asked about the subject.
    aspect: Option<usize>,
    /// `None`: the aspect in general.
    subject: Option<usize>,
}

#[derive(Debug)]
pub struct FacetReader {
    asking: RegexSet,
    domain: RegexSet,
    aspect_cues: RegexSet,
    aspect_of_cue: Vec<usize>,
    aspect_ids: Vec<String>,
    /// Per aspect, the broader aspects it narrows when one sentence asks both.
    narrows: Vec<u64>,
    /// The aspects with no general entry: asking them ("is it ok to...", "is that true")
    /// judges something named elsewhere.
    judging: u64,
    subject_cues: RegexSet,
    subject_of_cue: Vec<usize>,
    subject_ids: Vec<String>,
    /// Per subject, how much naming it counts.
    weights: Vec<f32>,
    /// Per entry (index into the base's entries), the pairs it answers.
    entry_facets: Vec<Vec<Facet>>,
    /// Per aspect, the subjects some entry answers that aspect for, by name.
    specific: Vec<u64>,
    /// The subjects some entry answers any aspect for ("*").
    any: u64,
}

/// What was read in one message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    /// The asking sentences, as a bit set (see `language::sentence_bit`).
    pub asking: u64,
    /// Whether some sentence asks; when none does, `asking` covers every sentence.
    pub explicit: bool,
    /// The sentences an asking sentence that names nothing points back to ("my friend says to
    /// push it out with a needle. is it ok to do this?"), as a bit set: what they say is asked.
    pub context: u64,
    /// The aspects asked, as a bit set over aspect indices.
    pub aspects: u64,
    /// Per subject index, how strongly the message is about it (0 when not at all).
    pub subjects: Vec<f32>,
    /// Per asking sentence (index, aspects it asks, subjects it names or points back to), in
    /// order: a message asking two things.
    pub questions: Vec<(usize, u64, u64)>,
    /// The message is about the condition (it names it, or a subject): facets count only then.
    pub in_domain: bool,
    /// This reads one question of several: an entry answering anything about a subject the
    /// question names fits it even when no aspect cue matched ("and will they still need to
    /// biopsy it?").
    pub single: bool,
}

impl Reading {
    /// The sentences that say what the message is about, for rules that decline a topic or
    /// name a remedy: in a story around a question, the asking sentences, those they point to
    /// and the sentence just before each ("my dog has a lump. what is it?"); otherwise every
    /// sentence. "Walking the dog again" in a story does not make its question one about pets.
    pub fn topical(&self, sentences: usize) -> u64 {
        let all = crate::language::first_sentences(sentences);
        if !self.explicit || sentences < super::STORY_SENTENCES || self.asking & all == all {
            return all;
        }
        (self.asking | self.context | self.asking >> 1) & all
    }

    /// The reading of one asking sentence on its own: its aspects, and the message's subjects,
    /// those it does not name counting as story.
    pub fn question(&self, sentence: usize, aspects: u64, named: u64) -> Reading {
        let subjects = self
            .subjects
            .iter()
            .enumerate()
            .map(|(s, &strength)| {
                if named & bit(s) != 0 {
                    strength
                } else {
                    strength.min(STORY_SUBJECT)
                }
            })
            .collect();
        Reading {
            asking: sentence_bit(sentence),
            explicit: true,
            context: 0,
            aspects,
            subjects,
            questions: Vec::new(),
            in_domain: self.in_domain,
            single: true,
        }
    }
}

impl FacetReader {
    pub fn new(kb: &KnowledgeBase) -> Result<FacetReader, crate::patterns::Error> {
        let facets = &kb.facets;
        let aspect_ids: Vec<String> = facets.aspect.iter().map(|a| a.id.clone()).collect();
        let subject_ids: Vec<String> = facets.subject.iter().map(|s| s.id.clone()).collect();
        let narrows = facets
            .aspect
            .iter()
            .map(|a| {
                a.over
                    .iter()
                    .filter_map(|o| aspect_ids.iter().position(|id| id == o))
                    .fold(0u64, |set, b| set | bit(b))
            })
            .collect();
        let (aspect_cues, aspect_of_cue) = cue_set(facets.aspect.iter().map(|a| &a.cues))?;
        let (subject_cues, subject_of_cue) = cue_set(facets.subject.iter().map(|s| &s.cues))?;
        let mut entry_facets = vec![Vec::new(); kb.entries.len()];
        let mut specific = vec![0u64; aspect_ids.len()];
        let mut any = 0u64;
        for (e, entry) in kb.entries.iter().enumerate() {
            // Aspects' general entries answer their aspect, whatever the entries table says.
            for (a, aspect) in facets.aspect.iter().enumerate() {
                if aspect.general.as_deref() == Some(entry.id.as_str()) {
                    entry_facets[e].push(Facet {
                        aspect: Some(a),
                        subject: None,
                    });
                }
            }
            for text in facets.entries.get(&entry.id).into_iter().flatten() {
                let mut words = text.split_whitespace();
                let aspect = words
                    .next()
                    .and_then(|a| aspect_ids.iter().position(|id| id == a));
                let subject = words
                    .next()
                    .and_then(|s| subject_ids.iter().position(|id| id == s));
                match (aspect, subject) {
                    (Some(a), Some(s)) => specific[a] |= bit(s),
                    (None, Some(s)) => any |= bit(s),
                    _ => {}
                }
                if aspect.is_some() || subject.is_some() {
                    entry_facets[e].push(Facet { aspect, subject });
                }
            }
        }
        Ok(FacetReader {
            asking: compile_set(&facets.asking)?,
            domain: compile_set(&facets.domain)?,
            aspect_cues,
            aspect_of_cue,
            aspect_ids,
            narrows,
            judging: facets
                .aspect
                .iter()
                .enumerate()
                .filter(|(_, a)| a.general.is_none())
                .fold(0u64, |set, (a, _)| set | bit(a)),
            subject_cues,
            subject_of_cue,
            subject_ids,
            weights: facets
                .subject
                .iter()
                .map(|s| s.weight.unwrap_or(1.0))
                .collect(),
            entry_facets,
            specific,
            any,
        })
    }

    /// Which sentences ask, what they ask, and what the message is about.
    pub fn read(&self, analysis: &Analysis) -> Reading {
        let mut reading = Reading {
            subjects: vec![0.0; self.subject_ids.len()],
            ..Reading::default()
        };
        for (i, span) in analysis.sentences.iter().enumerate() {
            let asks = span.question_mark
                || analysis
                    .sentence_texts(span)
                    .any(|t| self.asking.is_match(t.as_bytes()));
            if asks {
                reading.asking |= sentence_bit(i);
            }
        }
        reading.explicit = reading.asking != 0;
        if !reading.explicit {
            reading.asking = u64::MAX;
        }
        // The subjects each sentence names, as bit sets.
        let mut named: Vec<u64> = Vec::with_capacity(analysis.sentences.len());
        for (i, span) in analysis.sentences.iter().enumerate() {
            let focus = reading.asking & sentence_bit(i) != 0;
            let mut subjects = 0u64;
            let mut aspects = 0u64;
            for text in analysis.sentence_texts(span) {
                let bytes = text.as_bytes();
                if focus {
                    for cue in self.aspect_cues.matches(bytes).iter() {
                        aspects |= bit(self.aspect_of_cue[cue]);
                    }
                }
                for cue in self.subject_cues.matches(bytes).iter() {
                    subjects |= bit(self.subject_of_cue[cue]);
                }
            }
            let aspects = self.narrowed(aspects);
            // An asking sentence that names nothing but points back ("what is it?", "how does
            // it lead to calcium in the skin?") asks about what the story last named.
            let strength = if focus { 1.0 } else { STORY_SUBJECT };
            let mut counted = subjects;
            let pointing = focus && reading.explicit && points_back(analysis, span);
            if pointing && (subjects == 0 || pronoun(analysis, span)) {
                // (A list of several is about none in particular.)
                let back = (0..i).rev().take(LOOK_BACK).find(|&j| named[j] != 0);
                let back = back.filter(|&j| named[j].count_ones() < CROWDED_STORY as u32);
                counted |= back.map_or(0, |j| named[j]);
                // "Is it ok to do this?", "is that true?" judge what the sentence they point to
                // says (their aspects have no general entry): its words count as asked too. A
                // longer question says what it asks in its own words, and "how does that
                // work?" asks about the condition, not about what the story said.
                let judges = aspects != 0 && aspects & !self.judging == 0;
                if judges && subjects == 0 && i > 0 && words(analysis, span) <= BARE_QUESTION {
                    reading.context |= sentence_bit(back.unwrap_or(i - 1));
                }
            }
            for (s, slot) in reading.subjects.iter_mut().enumerate() {
                if counted & bit(s) != 0 {
                    *slot = slot.max(strength);
                } else if subjects & bit(s) != 0 {
                    *slot = slot.max(STORY_SUBJECT);
                }
            }
            named.push(subjects);
            reading.aspects |= aspects;
            if focus && reading.explicit {
                reading.questions.push((i, aspects, counted));
            }
        }
        // A story naming many subjects (a support group's mix) is about none of them in
        // particular.
        let story: Vec<usize> = (0..reading.subjects.len())
            .filter(|&s| reading.subjects[s] > 0.0 && reading.subjects[s] <= STORY_SUBJECT)
            .collect();
        if story.len() >= CROWDED_STORY {
            for s in story {
                reading.subjects[s] = CROWDED_SUBJECT;
            }
        }
        for (slot, weight) in reading.subjects.iter_mut().zip(&self.weights) {
            *slot *= weight;
        }
        reading.in_domain = reading.subjects.iter().any(|&s| s > 0.0)
            || analysis.texts().any(|t| self.domain.is_match(t.as_bytes()));
        reading
    }

    /// `aspects` without the broader ones a narrower aspect among them stands for.
    fn narrowed(&self, aspects: u64) -> u64 {
        let broader = self
            .narrows
            .iter()
            .enumerate()
            .filter(|(a, _)| aspects & bit(*a) != 0)
            .fold(0u64, |set, (_, &n)| set | n);
        aspects & !broader
    }

    /// How well entry `e`'s aspect × subject pairs fit what was read, from 0 to 1.
    pub fn fit(&self, e: usize, reading: &Reading) -> f32 {
        if !reading.in_domain {
            return 0.0;
        }
        let mut best: f32 = 0.0;
        for facet in &self.entry_facets[e] {
            let aspect = match facet.aspect {
                Some(a) if reading.aspects & bit(a) != 0 => 1.0,
                Some(_) => continue,
                None if reading.aspects != 0 || reading.single => ANY_ASPECT,
                None => continue,
            };
            let subject = match (facet.subject, facet.aspect) {
                (Some(s), _) => reading.subjects[s],
                // The general entry of an aspect stands in for the subjects that have no entry
                // of their own for it.
                (None, Some(a)) => {
                    1.0 - self
                        .strongest(self.specific[a], reading)
                        .max(ANY_ASPECT * self.strongest(self.any, reading))
                }
                (None, None) => 0.0,
            };
            best = best.max(aspect * subject);
        }
        best
    }

    /// The strongest of the subjects in `set` the message is about.
    fn strongest(&self, set: u64, reading: &Reading) -> f32 {
        reading
            .subjects
            .iter()
            .enumerate()
            .filter(|(s, _)| set & bit(*s) != 0)
            .map(|(_, &strength)| strength)
            .fold(0.0, f32::max)
    }

    /// The names of the aspects in a set, for `--explain`.
    pub fn aspect_names(&self, aspects: u64) -> Vec<&str> {
        self.aspect_ids
            .iter()
            .enumerate()
            .filter(|(a, _)| aspects & bit(*a) != 0)
            .map(|(_, id)| id.as_str())
            .collect()
    }

    /// The subjects read, strongest first, for `--explain`.
    pub fn subject_names<'a>(&'a self, reading: &Reading) -> Vec<(&'a str, f32)> {
        let mut out: Vec<(&str, f32)> = self
            .subject_ids
            .iter()
            .zip(&reading.subjects)
            .filter(|(_, &s)| s > 0.0)
            .map(|(id, &s)| (id.as_str(), s))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }

    /// Whether entry `e` has any facet at all (entries without one are scored on words only).
    pub fn has_facets(&self, e: usize) -> bool {
        !self.entry_facets[e].is_empty()
    }
}

/// Whether a sentence points back to something named before it ("it", "they", "this").
fn points_back(analysis: &Analysis, span: &crate::language::Span) -> bool {
    let text = &analysis.normalized[span.normalized.clone()];
    text.split(' ').count() <= SHORT_QUESTION
        || text
            .split(' ')
            .any(|w| POINTERS.contains(&w) || EXPLAIN.contains(&w))
}

/// "Please explain in normal words" explains what was just said.
const EXPLAIN: &[&str] = &["explain", "mean", "means", "meaning"];

/// Whether a sentence that names a subject also points back to another with "it" or "they"
/// ("why do dialysis patients get it"); "this" and "that" mostly mean the situation ("is the
/// scleroderma the cause of this").
fn pronoun(analysis: &Analysis, span: &crate::language::Span) -> bool {
    analysis.normalized[span.normalized.clone()]
        .split(' ')
        .any(|w| matches!(w, "it" | "they" | "them"))
}

/// An asking sentence of at most this many words that names nothing asks about what the
/// sentence it points to says ("is that true?", "is it ok to do this?").
const BARE_QUESTION: usize = 6;

/// How many words a sentence has.
fn words(analysis: &Analysis, span: &crate::language::Span) -> usize {
    analysis.normalized[span.normalized.clone()]
        .split(' ')
        .count()
}

/// A question this short that names nothing is about what came before it.
const SHORT_QUESTION: usize = 4;

const POINTERS: &[&str] = &[
    "it", "its", "they", "them", "theyre", "this", "that", "thats", "these", "those", "he", "she",
    "him", "her",
];

/// One set of every cue, and for each cue the index of its owner.
fn cue_set<'a>(
    owners: impl Iterator<Item = &'a Vec<String>>,
) -> Result<(RegexSet, Vec<usize>), crate::patterns::Error> {
    let mut patterns = Vec::new();
    let mut owner = Vec::new();
    for (i, cues) in owners.enumerate() {
        for cue in cues {
            patterns.push(cue.as_str());
            owner.push(i);
        }
    }
    Ok((compile_set(patterns)?, owner))
}
