//! Finding the entry a message asks about, and deciding whether we are sure enough to answer.
//!
//! A message's terms are scored against every entry that shares one of them, from four signals:
//! - the best **phrasing**: the cosine between the message and one of the entry's phrasings,
//!   with each term weighted by how informative it is (idf);
//! - **coverage**: how much of what the message says the entry speaks of at all;
//! - **keywords**: whole keywords of the entry found in the message;
//! - **intent patterns** of the entry matching the message.
//!
//! The decision then weighs the best score and its margin over the runner-up: a clear winner is
//! an `answer`, two or three close ones are offered as a `clarify`, and a weak best is a
//! `no_match`, because an honest "I don't have that" beats a confident wrong answer.

mod facets;
mod index;

use std::cell::RefCell;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::knowledge::KnowledgeBase;
use crate::language::{sentence_bit, Analysis, Analyzer};

pub use facets::{FacetReader, Reading};
pub use index::Index;

/// A term the base never uses weighs this share of the rarest term's weight: a message about
/// something else entirely ("can my cat get it") should not look covered by a generic word.
pub const UNKNOWN_TERM_SHARE: f32 = 0.45;

const PHRASE_WEIGHT: f32 = 0.45;
const COVERAGE_WEIGHT: f32 = 0.35;
const KEYWORD_WEIGHT: f32 = 0.20;
const PATTERN_BONUS: f32 = 0.25;
/// Keyword weight is measured against the message's weight, but never against less than this
/// (about one rare word): a long story that names "calciphylaxis" is still about calciphylaxis,
/// and a two-word message is not fully explained by one common keyword.
const KEYWORD_SATURATION: f32 = 4.0;
/// ...and never against more than this (about three rare words), so the story around a
/// keyword does not drown it.
const KEYWORD_MESSAGE_CAP: f32 = 10.0;

/// How much the facet fit adds to a score: a clear aspect × subject fit is worth about as much
/// as an intent pattern.
const FACET_WEIGHT: f32 = 0.35;
/// Taken off an entry none of whose facets answers what the message asks.
const MISMATCH_PENALTY: f32 = 0.1;
/// How much of the score the asking sentences' own words decide, when a message has a story
/// around its question; the rest comes from the whole message.
const FOCUS_SHARE: f32 = 0.5;
/// A facet fit this good makes an entry a candidate even without a word in common: "what can
/// be done?" after a story is a treatment question, whatever words the story used.
const FACET_EVIDENCE: f32 = 0.75;

/// An answer goes with urgent advice only when its facets fit what was asked this well.
pub const CLEAR_FIT: f32 = 0.75;
/// One question of several counts on its own when its entry fits what it asks this well
/// (the aspect asked, its subject named in the question or at least in the story).
pub const QUESTION_FIT: f32 = 0.6;
/// A message of this many sentences is a story around its question.
pub const STORY_SENTENCES: usize = 3;
/// How many other questions of one message are offered.
pub const MAX_ALSO: usize = 2;

/// At or above this, with a clear margin, the best entry is answered.
pub const ANSWER_SCORE: f32 = 0.42;
/// The best must lead the runner-up by this much to be answered outright.
pub const ANSWER_MARGIN: f32 = 0.06;
/// Above this (and a clear leader), the margin rule is waived.
pub const SURE_SCORE: f32 = 0.75;
/// Below this, nothing is close enough: no match.
pub const CLARIFY_SCORE: f32 = 0.36;
/// Candidates offered in a clarify are within this of the best.
pub const CLARIFY_BAND: f32 = 0.12;
/// How many choices a clarify offers at most.
pub const MAX_CANDIDATES: usize = 3;

/// One entry's score for a message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// Index into `KnowledgeBase::entries`.
    pub entry: usize,
    pub score: f32,
}

/// What the matcher concluded.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Answer(Ranked),
    /// Two or three close candidates, best first.
    Clarify(Vec<Ranked>),
    /// The best candidates found, however weak (possibly none), best first.
    NoMatch(Vec<Ranked>),
}

#[derive(Debug)]
pub struct Matcher {
    index: Index,
    facets: FacetReader,
}

impl Matcher {
    pub fn new(kb: &KnowledgeBase, analyzer: &Analyzer) -> Result<Matcher, crate::patterns::Error> {
        Ok(Matcher {
            index: Index::build(kb, analyzer)?,
            facets: FacetReader::new(kb)?,
        })
    }

    /// What the message asks and what it is about.
    pub fn read(&self, analysis: &Analysis) -> Reading {
        let mut reading = self.facets.read(analysis);
        // A message every word of which the base knows is about the condition too: "how is
        // it categorised?" asked of this bot asks about calcinosis.
        if !reading.in_domain && !analysis.terms.is_empty() {
            reading.in_domain = analysis
                .terms
                .iter()
                .all(|t| self.index.terms.contains_key(t));
        }
        reading
    }

    /// The facet reader, for naming what was read (`--explain`).
    pub fn facets(&self) -> &FacetReader {
        &self.facets
    }

    /// The ranking for a message already read: the words of the whole message and of its
    /// asking sentences, and how each entry's facets fit what was asked.
    pub fn rank_read(&self, analysis: &Analysis, reading: &Reading) -> Vec<(Ranked, Signals)> {
        let words = self.words(analysis, reading);
        self.rank_with(analysis, reading, &words)
    }

    /// What every reading of one message shares: the whole message's word signals, and which
    /// sentences each intent pattern matched (found once, then masked per question).
    fn words(&self, analysis: &Analysis, reading: &Reading) -> Words {
        let all = all_sentences(analysis);
        // Only a message with a story around its question reads sentences apart.
        let apart = reading.explicit && reading.asking & all != all || reading.questions.len() >= 2;
        let sentence_patterns = if apart {
            self.sentence_patterns(analysis)
        } else {
            Vec::new()
        };
        let (scores, evidence) = self.word_signals(analysis, all, &sentence_patterns);
        Words {
            scores,
            evidence,
            sentence_patterns,
        }
    }

    fn rank_with(
        &self,
        analysis: &Analysis,
        reading: &Reading,
        words: &Words,
    ) -> Vec<(Ranked, Signals)> {
        let all = all_sentences(analysis);
        let mut scores = words.scores.clone();
        let mut evidence = words.evidence.clone();
        // The asking sentences on their own, when there are some and they are not the whole
        // message: what is asked, apart from the story.
        let focus = (reading.asking | reading.context) & all;
        let focused = reading.explicit && focus != all;
        if focused {
            let (in_focus, _) = self.word_signals(analysis, focus, &words.sentence_patterns);
            for (e, f) in in_focus {
                scores.entry(e).or_default().focus = Some(f.words_score());
            }
        }
        // Facets fit, or fail to fit, only a message about the condition: outside it the walk
        // over every entry would change nothing.
        let entries = if reading.in_domain {
            self.index.entries
        } else {
            0
        };
        for e in 0..entries {
            let fit = self.facets.fit(e, reading);
            if fit == 0.0 && reading.in_domain && reading.aspects != 0 && self.facets.has_facets(e)
            {
                // The message asks something this entry does not answer.
                if let Some(s) = scores.get_mut(&(e as u32)) {
                    s.mismatch = true;
                }
            }
            if fit > 0.0 {
                scores.entry(e as u32).or_default().facet = fit;
                if fit >= FACET_EVIDENCE {
                    evidence.insert(e as u32);
                }
            }
        }
        let mut ranked: Vec<(Ranked, Signals)> = scores
            .into_iter()
            .filter(|(e, _)| evidence.contains(e))
            .map(|(e, mut s)| {
                if focused {
                    // Not named in the asking sentences at all.
                    s.focus.get_or_insert(0.0);
                }
                let ranked = Ranked {
                    entry: e as usize,
                    score: s.score(),
                };
                (ranked, s)
            })
            .collect();
        ranked.sort_by(|(a, _), (b, _)| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        ranked
    }

    /// For each intent pattern that matches some sentence of the message (in any of its
    /// forms), the entry it belongs to and the sentences it matched.
    fn sentence_patterns(&self, analysis: &Analysis) -> Vec<(u32, u64)> {
        let ix = &self.index;
        let mut hits: Vec<(u32, u64)> = Vec::new();
        if ix.pattern_entry.is_empty() {
            return hits;
        }
        for (i, span) in analysis.sentences.iter().enumerate() {
            for text in analysis.sentence_texts(span) {
                for p in ix.patterns.matches(text.as_bytes()).iter() {
                    let entry = ix.pattern_entry[p];
                    match hits.iter_mut().find(|(e, _)| *e == entry) {
                        Some((_, mask)) => *mask |= sentence_bit(i),
                        None => hits.push((entry, sentence_bit(i))),
                    }
                }
            }
        }
        hits
    }

    /// The word signals of the sentences in `mask`, per entry, and the entries that share a
    /// topical word with them in how they are asked. Patterns are read in the whole message
    /// when `mask` covers it, else from `sentence_patterns`.
    fn word_signals(
        &self,
        analysis: &Analysis,
        mask: u64,
        sentence_patterns: &[(u32, u64)],
    ) -> (HashMap<u32, Signals>, HashSet<u32>) {
        let ix = &self.index;
        let mut weights: Vec<(Option<u32>, f32)> = Vec::with_capacity(analysis.terms.len());
        for (term, &in_sentences) in analysis.terms.iter().zip(&analysis.term_sentences) {
            if in_sentences & mask == 0 {
                continue;
            }
            match ix.terms.get(term) {
                Some(&t) => weights.push((Some(t), ix.idf[t as usize])),
                None => weights.push((None, ix.unknown_weight)),
            }
        }
        let total: f32 = weights.iter().map(|(_, w)| w).sum();
        let norm: f32 = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();

        // Dense accumulators indexed by phrasing, entry and keyword, with the indices touched
        // kept beside them: hashing every posting was most of a reply's time, and walking only
        // what was touched keeps a 10,000-entry base as quick as a small one. They are kept per
        // thread and cleared where touched, since allocating and freeing three buffers the size
        // of the base on every reply was a tenth of its time.
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let Scratch {
                phrasing_dot,
                coverage,
                keyword_hits,
            } = &mut *scratch;
            phrasing_dot.reset(ix.phrasings.len());
            coverage.reset(ix.entries);
            keyword_hits.reset(ix.keywords.len());
            let (scores, evidence) =
                self.sum_postings(&weights, total, norm, phrasing_dot, coverage, keyword_hits);
            self.add_patterns(analysis, mask, sentence_patterns, scores, evidence)
        })
    }

    /// The phrasing, coverage and keyword signals of the weighted terms, summed through their
    /// postings.
    fn sum_postings(
        &self,
        weights: &[(Option<u32>, f32)],
        total: f32,
        norm: f32,
        phrasing_dot: &mut Accumulator<f32>,
        coverage: &mut Accumulator<f32>,
        keyword_hits: &mut Accumulator<usize>,
    ) -> (HashMap<u32, Signals>, HashSet<u32>) {
        let ix = &self.index;
        // Entries that share a topical word with the message in how they are asked (not only in
        // their answer, and not only "what" or "how"): only these are candidates.
        let mut evidence: HashSet<u32> = HashSet::default();
        for &(term, weight) in weights {
            let Some(t) = term else { continue };
            let t = t as usize;
            for &p in &ix.phrasing_postings[t] {
                *phrasing_dot.slot(p) += weight * weight;
            }
            let topical = !ix.question_terms[t];
            for &(e, field) in &ix.entry_postings[t] {
                *coverage.slot(e) += weight * field;
                if topical && field >= 1.0 {
                    evidence.insert(e);
                }
            }
            for &k in &ix.keyword_postings[t] {
                *keyword_hits.slot(k) += 1;
            }
        }

        let mut scores: HashMap<u32, Signals> = HashMap::default();
        if norm > 0.0 {
            for (p, dot) in phrasing_dot.touched() {
                let phrasing = &ix.phrasings[p as usize];
                if phrasing.norm > 0.0 {
                    let cosine = dot / (norm * phrasing.norm);
                    let s = scores.entry(phrasing.entry).or_default();
                    s.phrase = s.phrase.max(cosine);
                }
            }
        }
        if total > 0.0 {
            for (e, covered) in coverage.touched() {
                scores.entry(e).or_default().coverage = (covered / total).min(1.0);
            }
            for (k, hits) in keyword_hits.touched() {
                let keyword = &ix.keywords[k as usize];
                if hits == keyword.terms {
                    scores.entry(keyword.entry).or_default().keywords +=
                        keyword.weight / total.clamp(KEYWORD_SATURATION, KEYWORD_MESSAGE_CAP);
                }
            }
        }
        (scores, evidence)
    }

    /// The entries whose intent patterns match the sentences under `mask`.
    fn add_patterns(
        &self,
        analysis: &Analysis,
        mask: u64,
        sentence_patterns: &[(u32, u64)],
        mut scores: HashMap<u32, Signals>,
        mut evidence: HashSet<u32>,
    ) -> (HashMap<u32, Signals>, HashSet<u32>) {
        let ix = &self.index;
        if mask == all_sentences(analysis) {
            if !ix.pattern_entry.is_empty() {
                for text in analysis.texts() {
                    for p in ix.patterns.matches(text.as_bytes()).iter() {
                        scores.entry(ix.pattern_entry[p]).or_default().pattern = true;
                        evidence.insert(ix.pattern_entry[p]);
                    }
                }
            }
        } else {
            for &(entry, sentences) in sentence_patterns {
                if sentences & mask != 0 {
                    scores.entry(entry).or_default().pattern = true;
                    evidence.insert(entry);
                }
            }
        }
        (scores, evidence)
    }

    /// What the message (already read) asks, the decision, and the other questions it asks.
    ///
    /// A message asking two things ("what scan shows how deep it goes? and will they still
    /// need a biopsy?") has each asking sentence ranked on its own as well; when each is sure
    /// of a different entry, the first asked is answered and the others are offered, rather
    /// than a clarify between two questions that were both asked.
    pub fn understand_read(&self, analysis: &Analysis, reading: Reading) -> Understanding {
        let words = self.words(analysis, &reading);
        let scored = self.rank_with(analysis, &reading, &words);
        let ranked: Vec<Ranked> = scored.iter().map(|(r, _)| *r).collect();
        let mut decision = decide(&ranked);
        let mut also: Vec<Ranked> = Vec::new();
        if reading.questions.len() >= 2 {
            let mut tops: Vec<Ranked> = Vec::new();
            for &(sentence, aspects, named) in &reading.questions {
                let question = reading.question(sentence, aspects, named);
                let scored = self.rank_with(analysis, &question, &words);
                tracing::debug!(sentence, top = ?scored.first(), "question ranked on its own");
                // A question counts on its own when its best entry clearly answers what it
                // asks, and no entry as close does too (the other question's entry, scored on
                // the same whole message, may well be close in words).
                let Some(&(top, signals)) = scored.first() else {
                    continue;
                };
                let rival = scored.get(1).is_some_and(|(r, s)| {
                    r.score > top.score - ANSWER_MARGIN && s.facet >= QUESTION_FIT
                });
                if top.score >= ANSWER_SCORE
                    && signals.facet >= QUESTION_FIT
                    && !rival
                    && !tops.iter().any(|t| t.entry == top.entry)
                {
                    tops.push(top);
                }
            }
            if tops.len() >= 2 {
                // The first question asked is the main one.
                let first = tops[0];
                let main = Ranked {
                    entry: first.entry,
                    score: ranked
                        .iter()
                        .find(|r| r.entry == first.entry)
                        .map_or(first.score, |r| r.score.max(first.score)),
                };
                decision = Decision::Answer(main);
                also = tops
                    .into_iter()
                    .filter(|t| t.entry != main.entry)
                    .take(MAX_ALSO)
                    .collect();
            }
        }
        // A long story is where wrong answers come from: when its best entry answers none of
        // what the asking sentences ask, offer the likeliest entries instead of guessing.
        if let Decision::Answer(best) = decision {
            let unfit = scored
                .iter()
                .find(|(r, _)| r.entry == best.entry)
                .is_some_and(|(_, s)| s.mismatch);
            if unfit && also.is_empty() && analysis.sentences.len() >= STORY_SENTENCES {
                let offered: Vec<Ranked> = ranked.iter().take(MAX_CANDIDATES).copied().collect();
                if offered.len() >= 2 {
                    decision = Decision::Clarify(offered);
                }
            }
        }
        let fit = match &decision {
            Decision::Answer(best) => scored
                .iter()
                .find(|(r, _)| r.entry == best.entry)
                .map_or(0.0, |(_, s)| s.facet),
            _ => 0.0,
        };
        Understanding {
            decision,
            also,
            fit,
            reading,
        }
    }
}

/// The matcher's understanding of one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Understanding {
    pub decision: Decision,
    /// Other questions the message asks, each sure of its own entry, in the order asked.
    pub also: Vec<Ranked>,
    /// How well the answered entry's facets fit what was asked (0 without an answer).
    pub fit: f32,
    pub reading: Reading,
}

impl Understanding {
    /// Whether the message clearly asks the answered entry's question: a sentence asks, and
    /// the entry fits what it asks. Only then does an entry go with urgent advice.
    pub fn clearly_asks(&self) -> bool {
        self.reading.explicit
            && matches!(self.decision, Decision::Answer(_))
            && self.fit >= CLEAR_FIT
    }
}

/// The word signals of a whole message, shared by every reading of it.
struct Words {
    scores: HashMap<u32, Signals>,
    evidence: HashSet<u32>,
    /// (entry, sentences) for each entry an intent pattern matched in some sentence.
    sentence_patterns: Vec<(u32, u64)>,
}

/// Every sentence of the message, as a bit set.
fn all_sentences(analysis: &Analysis) -> u64 {
    crate::language::first_sentences(analysis.sentences.len())
}

/// The decision rule on its own, so it can be read (and tested) apart from scoring.
pub fn decide(ranked: &[Ranked]) -> Decision {
    let Some(&best) = ranked.first() else {
        return Decision::NoMatch(Vec::new());
    };
    let runner_up = ranked.get(1).map_or(0.0, |r| r.score);
    let margin = best.score - runner_up;
    if best.score >= ANSWER_SCORE
        && (margin >= ANSWER_MARGIN || best.score >= SURE_SCORE && margin > 0.02)
    {
        return Decision::Answer(best);
    }
    let close: Vec<Ranked> = ranked
        .iter()
        .take(MAX_CANDIDATES)
        .filter(|r| r.score >= best.score - CLARIFY_BAND && r.score >= CLARIFY_SCORE * 0.8)
        .copied()
        .collect();
    if best.score >= CLARIFY_SCORE && close.len() >= 2 {
        return Decision::Clarify(close);
    }
    if best.score >= ANSWER_SCORE {
        return Decision::Answer(best);
    }
    Decision::NoMatch(ranked.iter().take(MAX_CANDIDATES).copied().collect())
}

/// The signals behind an entry's score.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Signals {
    /// Cosine with the entry's closest phrasing.
    pub phrase: f32,
    /// Share of the message's weight that the entry speaks of.
    pub coverage: f32,
    /// Weight of the entry's keywords found whole, over the message's weight.
    pub keywords: f32,
    /// One of the entry's intent patterns matched.
    pub pattern: bool,
    /// The word score of the asking sentences alone, when the message has a story around them.
    pub focus: Option<f32>,
    /// How well the entry's aspect × subject pairs fit what was asked and what it is about.
    pub facet: f32,
    /// The message asks something none of the entry's facets answers.
    pub mismatch: bool,
}

impl Signals {
    /// The score from words alone (phrasings, coverage, keywords, patterns).
    fn words_score(&self) -> f32 {
        let s = PHRASE_WEIGHT * self.phrase
            + COVERAGE_WEIGHT * self.coverage
            + KEYWORD_WEIGHT * self.keywords.min(1.0)
            + if self.pattern { PATTERN_BONUS } else { 0.0 };
        s.min(1.0)
    }

    fn score(&self) -> f32 {
        let words = self.words_score();
        let words = match self.focus {
            Some(focus) => FOCUS_SHARE * focus + (1.0 - FOCUS_SHARE) * words,
            None => words,
        };
        let words = if self.mismatch {
            words - MISMATCH_PENALTY
        } else {
            words
        };
        // Not capped at 1: two entries both past "sure" still differ in how much speaks for
        // each (replies show it capped).
        words + FACET_WEIGHT * self.facet
    }
}

/// The accumulators one reply sums its postings in, kept between replies on the same thread.
#[derive(Default)]
struct Scratch {
    phrasing_dot: Accumulator<f32>,
    coverage: Accumulator<f32>,
    keyword_hits: Accumulator<usize>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Sums by a dense index (a phrasing, an entry, a keyword), remembering which were touched so
/// that reading them back costs what the message touched, not the size of the base.
#[derive(Default)]
struct Accumulator<T> {
    values: Vec<T>,
    marked: Vec<bool>,
    touched: Vec<u32>,
}

impl<T: Copy + Default> Accumulator<T> {
    /// Empty again and `len` long, clearing only what the last use touched.
    fn reset(&mut self, len: usize) {
        for &i in &self.touched {
            self.values[i as usize] = T::default();
            self.marked[i as usize] = false;
        }
        self.touched.clear();
        if self.values.len() != len {
            self.values.clear();
            self.values.resize(len, T::default());
            self.marked.clear();
            self.marked.resize(len, false);
        }
    }

    /// The running value at `index`, noted as touched the first time.
    fn slot(&mut self, index: u32) -> &mut T {
        let i = index as usize;
        if !self.marked[i] {
            self.marked[i] = true;
            self.touched.push(index);
        }
        &mut self.values[i]
    }

    /// Each touched index once, in the order first touched, with its value.
    fn touched(&self) -> impl Iterator<Item = (u32, T)> + '_ {
        self.touched.iter().map(|&i| (i, self.values[i as usize]))
    }
}
