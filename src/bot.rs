//! The one path every front end takes: safety check, small talk, matcher, reply.
//!
//! `Bot` is built once from a validated knowledge base and is then read-only, so the Discord
//! handler can share it between tasks and the terminal, CLI and tests call the same `ask`.

use crate::explain::Explanation;
use crate::knowledge::{Entry, KnowledgeBase};
use crate::language::{Analysis, Analyzer};
use crate::matcher::{Decision, Matcher, Ranked};
use crate::reply::{Reply, ReplyKind};
use crate::safety::{Flags, Safety};
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
}

#[derive(Debug)]
pub struct Bot {
    kb: KnowledgeBase,
    analyzer: Analyzer,
    matcher: Matcher,
    safety: Safety,
    smalltalk: Smalltalk,
    scope: Scope,
}

impl Bot {
    pub fn new(kb: KnowledgeBase) -> Result<Bot, BotError> {
        let analyzer = Analyzer::new(&kb);
        let matcher = Matcher::new(&kb, &analyzer)?;
        let safety = Safety::new(&kb.safety)?;
        let smalltalk = Smalltalk::new(&kb.smalltalk)?;
        let scope = Scope::new(&kb.outside)?;
        Ok(Bot {
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
        let ranked = self
            .matcher
            .rank_with_signals(&analysis)
            .into_iter()
            .take(EXPLAINED)
            .map(|(ranked, signals)| (self.entry(ranked), ranked.score, signals))
            .collect();
        Explanation { analysis, ranked }
    }

    /// The reply to one message. Front ends validate or cut the message first (`question`).
    pub fn ask(&self, message: &str) -> Reply<'_> {
        let analysis = self.analyzer.analyze(message);
        let flags = self.safety.check(&analysis);
        tracing::debug!(?flags, terms = ?analysis.terms, "analysed message");
        self.compose(&analysis, flags)
    }

    /// The reply showing one entry, as when a user picks a topic or a button.
    pub fn show(&self, id: &str) -> Option<Reply<'_>> {
        let entry = self.kb.entry(id)?;
        Some(Reply::new(&self.kb, ReplyKind::Answer, Some(entry), 1.0))
    }

    fn compose(&self, analysis: &Analysis, flags: Flags) -> Reply<'_> {
        let kb = &self.kb;
        if flags.crisis {
            let mut reply = Reply::new(kb, ReplyKind::Crisis, None, 0.0);
            reply.alert = Some(&kb.safety.crisis.text);
            return reply;
        }
        if !flags.urgent && !flags.dosing {
            if let Some(talk) = self.smalltalk.find(analysis) {
                let mut reply = Reply::new(kb, ReplyKind::Smalltalk, None, 0.0);
                reply.message = Some(&talk.reply);
                return reply;
            }
        }
        // A red flag is answered even when the rest of the message is out of scope.
        let outside = if flags.urgent {
            None
        } else {
            self.scope.find(analysis)
        };
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
            None => self.matched(analysis, flags.urgent),
        };
        if flags.urgent {
            reply.alert = Some(&kb.safety.urgent.text);
        }
        if flags.dosing {
            reply.dosing = Some(&kb.safety.dosing.text);
        }
        reply
    }

    /// The reply the matcher's decision calls for; with a red flag, only a confident answer
    /// goes with the urgent advice, which otherwise stands on its own.
    fn matched(&self, analysis: &Analysis, urgent: bool) -> Reply<'_> {
        let kb = &self.kb;
        match self.matcher.decide(analysis) {
            Decision::Answer(best) => {
                let kind = if urgent {
                    ReplyKind::Urgent
                } else {
                    ReplyKind::Answer
                };
                Reply::new(kb, kind, Some(self.entry(best)), best.score)
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
