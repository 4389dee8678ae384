//! The one path every front end takes: safety check, small talk, matcher, reply.
//!
//! `Bot` is built once from a validated knowledge base and is then read-only, so the Discord
//! handler can share it between tasks and the terminal, CLI and tests call the same `ask`.

use crate::about::About;
use crate::explain::Explanation;
use crate::knowledge::{Entry, KnowledgeBase};
use crate::language::{Analysis, Analyzer};
use crate::matcher::{Decision, Matcher, Ranked, Reading};
use crate::reply::{Reply, ReplyKind};
use crate::safety::{Readers, Safety, Verdict};
use crate::scope::Scope;
use crate::smalltalk::Smalltalk;

/// How many topics a no-match reply suggests.
const SUGGESTIONS: usize = 3;

/// How many of the best-scoring entries `explain` shows.
const EXPLAINED: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error(
        "a pattern in the knowledge base does not compile: {0}\nRun `calcibot check` to find it."
    )]
    Pattern(#[from] crate::patterns::Error),
    #[error("{0}\nRun `calcibot check` to find it.")]
    Safety(#[from] crate::safety::SafetyError),
}

#[derive(Debug)]
pub struct Bot {
    kb: KnowledgeBase,
    analyzer: Analyzer,
    matcher: Matcher,
    safety: Safety,
    smalltalk: Smalltalk,
    about: About,
    scope: Scope,
}

impl Bot {
    pub fn new(mut kb: KnowledgeBase) -> Result<Bot, BotError> {
        // The safety index is the largest, and needs nothing the others build: it is built on
        // a second thread meanwhile, which takes start-up from the sum of the two to the
        // longer one. Each index's build time is logged at debug level: start-up has a
        // budget, and this says which part of it a growing knowledge base spends.
        let clock = std::time::Instant::now();
        // The resemblance reader's training, about as long again, follows the matcher on this
        // thread, and is handed to the safety layer once both are done.
        let (safety, analyzer, matcher) = std::thread::scope(|scope| {
            let index = scope.spawn(|| {
                let index = Safety::new(&kb);
                (index, clock.elapsed())
            });
            let analyzer = Analyzer::new(&kb);
            let matcher = Matcher::new(&kb, &analyzer);
            let matcher_at = clock.elapsed();
            let readers = Readers::for_base(&kb);
            let trained_at = clock.elapsed();
            let (index, safety_at) = index
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            tracing::debug!(
                matcher = ?matcher_at,
                resemblance = ?trained_at,
                safety = ?safety_at,
                "indexes built, the safety index on its own thread"
            );
            let safety = index.map(|index| index.reading_resemblance(readers));
            (safety, analyzer, matcher)
        });
        // The labelled messages have taught the resemblance reader all they can: a bot that
        // runs for weeks need not hold them (about 4 MB).
        kb.examples = Vec::new();
        let (safety, matcher) = (safety?, matcher?);
        let smalltalk = Smalltalk::new(&kb.smalltalk)?;
        let scope = Scope::new(&kb.outside, &kb.unmentioned, &kb.facets.skin)?;
        let about = About::new(&kb.about)?;
        Ok(Bot {
            about,
            kb,
            analyzer,
            matcher,
            safety,
            smalltalk,
            scope,
        })
    }

    pub fn knowledge(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// How `message` was read and how the best entries scored: what a curator needs to see to
    /// add the right phrasing or keyword (`calcibot ask --explain`).
    pub fn explain(&self, message: &str) -> Explanation<'_> {
        let analysis = self.analyzer.analyze(message);
        let safety = self.safety.explain(message, &analysis);
        let reading = self.matcher.read(&analysis);
        let ranked = self
            .matcher
            .rank_read(&analysis, &reading)
            .into_iter()
            .take(EXPLAINED)
            .map(|(ranked, signals)| (self.entry(ranked), ranked.score, signals))
            .collect();
        let focus = if reading.explicit {
            analysis
                .sentences
                .iter()
                .enumerate()
                .filter(|(i, _)| reading.asking & crate::language::sentence_bit(*i) != 0)
                .map(|(_, span)| analysis.normalized[span.normalized.clone()].to_string())
                .collect()
        } else {
            Vec::new()
        };
        let facets = self.matcher.facets();
        Explanation {
            safety,
            focus,
            aspects: facets.aspect_names(reading.aspects),
            subjects: facets.subject_names(&reading),
            analysis,
            ranked,
        }
    }

    /// The reply to one message. Front ends validate or cut the message first (`question`).
    pub fn ask(&self, message: &str) -> Reply<'_> {
        let analysis = self.analyzer.analyze(message);
        let verdict = self.safety.check(message, &analysis);
        tracing::debug!(?verdict, terms = ?analysis.terms, "analysed message");
        self.compose(&analysis, verdict)
    }

    /// The reply showing one entry, as when a user picks a topic or a button.
    pub fn show(&self, id: &str) -> Option<Reply<'_>> {
        let entry = self.kb.entry(id)?;
        Some(Reply::new(&self.kb, ReplyKind::Answer, Some(entry), 1.0))
    }

    fn compose(&self, analysis: &Analysis, verdict: Verdict) -> Reply<'_> {
        let kb = &self.kb;
        let flags = verdict.flags;
        let texts = crate::safety::texts(kb, verdict.language);
        if flags.crisis {
            // The crisis text alone, in the writer's language, with its own footer instead of
            // the medical disclaimer, whatever else the message asked.
            let mut reply = Reply::new(kb, ReplyKind::Crisis, None, 0.0);
            reply.alert = Some(texts.crisis);
            reply.disclaimer = texts.crisis_footer;
            reply.language = texts.code;
            return reply;
        }
        if !flags.urgent && !flags.dosing {
            // A question about the bot gets the bot's own answer, never a medical entry.
            if let Some(about) = self.about.find(analysis) {
                let mut reply = Reply::new(kb, ReplyKind::Smalltalk, None, 0.0);
                reply.message = Some(&about.reply);
                return reply;
            }
            if let Some(talk) = self.smalltalk.find(analysis) {
                let mut reply = Reply::new(kb, ReplyKind::Smalltalk, None, 0.0);
                reply.message = Some(&talk.reply);
                return reply;
            }
        }
        // What the message asks and what it is about, read once for scope and matcher alike.
        let reading = self.matcher.read(analysis);
        let topical = reading.topical(analysis.sentences.len());
        // A red flag is answered even when the rest of the message is out of scope.
        let outside = if flags.urgent {
            None
        } else {
            self.scope.find(analysis, topical)
        };
        let in_scope = outside.is_none();
        let mut reply = match outside {
            Some(outside) => {
                let mut reply = Reply::new(kb, ReplyKind::NoMatch, None, 0.0);
                reply.message = Some(&outside.reply);
                let offered: Vec<&Entry> = outside
                    .suggest
                    .iter()
                    .filter_map(|id| kb.entry(id))
                    .collect();
                reply.candidates = self.suggestions(&offered);
                reply
            }
            None => self.matched(analysis, reading, flags.urgent),
        };
        // A remedy the sources never mention is named as such before the home-care answer.
        if !flags.urgent && in_scope {
            if let Some(remedy) = self.scope.unmentioned(analysis, topical) {
                if let Some(entry) = kb.entry(&remedy.answer) {
                    let score = reply.score;
                    reply = Reply::new(kb, ReplyKind::Answer, Some(entry), score);
                    reply.message = Some(&remedy.note);
                }
            }
        }
        if flags.urgent {
            reply.alert = Some(texts.urgent);
        }
        if flags.dosing {
            reply.dosing = Some(texts.dosing);
        }
        reply.language = texts.code;
        reply.language_note = crate::safety::note_text(kb, verdict.note);
        reply
    }

    /// The reply the matcher's decision calls for. With a red flag, an entry goes with the
    /// urgent advice only when the message clearly asks that entry's question; otherwise the
    /// urgent advice stands alone ("a painful dark sore and I'm on dialysis" asks nothing, and
    /// a list of body sites under it would be noise).
    fn matched(&self, analysis: &Analysis, reading: Reading, urgent: bool) -> Reply<'_> {
        let kb = &self.kb;
        let understanding = self.matcher.understand_read(analysis, reading);
        let clearly_asked = understanding.clearly_asks();
        match understanding.decision {
            Decision::Answer(best) if urgent && clearly_asked => {
                Reply::new(kb, ReplyKind::Urgent, Some(self.entry(best)), best.score)
            }
            Decision::Answer(best) if urgent => Reply::new(kb, ReplyKind::Urgent, None, best.score),
            Decision::Answer(best) => {
                let mut reply =
                    Reply::new(kb, ReplyKind::Answer, Some(self.entry(best)), best.score);
                reply.also = understanding.also.iter().map(|&r| self.entry(r)).collect();
                reply
            }
            Decision::Clarify(ranked) | Decision::NoMatch(ranked) if urgent => {
                let score = ranked.first().map_or(0.0, |r| r.score);
                Reply::new(kb, ReplyKind::Urgent, None, score)
            }
            Decision::Clarify(candidates) => {
                let mut reply = Reply::new(kb, ReplyKind::Clarify, None, candidates[0].score);
                reply.candidates = candidates.iter().map(|&r| self.entry(r)).collect();
                reply.message = Some(&kb.safety.clarify);
                reply
            }
            Decision::NoMatch(ranked) => {
                let score = ranked.first().map_or(0.0, |r| r.score);
                let mut reply = Reply::new(kb, ReplyKind::NoMatch, None, score);
                let weak: Vec<&Entry> = ranked
                    .iter()
                    .filter(|r| r.score >= crate::matcher::CLARIFY_SCORE * 0.5)
                    .map(|&r| self.entry(r))
                    .collect();
                reply.candidates = self.suggestions(&weak);
                reply.message = Some(&kb.safety.no_match);
                reply
            }
        }
    }

    fn entry(&self, ranked: Ranked) -> &Entry {
        &self.kb.entries[ranked.entry]
    }

    /// Topics to offer when nothing matched: `first`, then the base's general suggestions.
    fn suggestions<'a>(&'a self, first: &[&'a Entry]) -> Vec<&'a Entry> {
        let mut out: Vec<&Entry> = Vec::with_capacity(SUGGESTIONS);
        let general = self
            .kb
            .topics
            .suggest
            .iter()
            .filter_map(|id| self.kb.entry(id));
        for entry in first.iter().copied().chain(general) {
            if out.len() == SUGGESTIONS {
                break;
            }
            if !out.iter().any(|e| e.id == entry.id) {
                out.push(entry);
            }
        }
        out
    }
}
