//! `calcibot report`: what curators need to grow the knowledge base, across every server.
//!
//! The figures are those of `/stats`, summed over servers; the unanswered questions (from the
//! servers that keep them) are grouped by the entry they came closest to, so that a curator
//! sees at once which entry needs another phrasing and which questions need a new entry. No
//! server is named: a curator needs the questions, not where they were asked.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::json;

use crate::storage::stats::Stats;
use crate::storage::{Day, Question, Scope, StorageError, Store};
use crate::KnowledgeBase;

/// The figures and the grouped questions of a span of days.
#[derive(Debug, Clone)]
pub struct Report {
    pub stats: Stats,
    /// The questions grouped by their closest entry, the largest group first; the questions
    /// that came close to nothing last.
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub closest: Option<String>,
    pub questions: Vec<Question>,
}

impl Report {
    /// The report of the `days` days up to `today`.
    pub async fn gather(store: &Store, days: u32, today: Day) -> Result<Report, StorageError> {
        let stats = store.stats(Scope::All, days, today).await?;
        let questions = store.unanswered_since(stats.from).await?;
        Ok(Report {
            groups: group(questions),
            stats,
        })
    }

    pub fn text(&self, kb: &KnowledgeBase) -> String {
        let s = &self.stats;
        let k = &s.kinds;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "calcibot report: {} to {} ({} days), {} servers",
            s.from,
            s.to,
            s.per_day.len(),
            s.servers
        );
        let _ = writeln!(
            out,
            "questions {}: {} (and small talk {})",
            s.questions(),
            k.summary(),
            k.smalltalk
        );
        out.push_str("\nquestions per day:\n");
        for d in &s.per_day {
            let _ = writeln!(out, "  {}  {:>5}", d.day, d.questions);
        }
        out.push_str("\ntop entries:\n");
        if s.top_entries.is_empty() {
            out.push_str("  (none answered)\n");
        }
        for e in &s.top_entries {
            let _ = writeln!(out, "  {:>5}  {}", e.answers, name(kb, &e.entry));
        }
        out.push_str("\nhelpful share:\n");
        if s.feedback.is_empty() {
            out.push_str("  (no votes)\n");
        }
        for f in &s.feedback {
            let _ = writeln!(
                out,
                "  {:>4.0}%  {} ({} of {} votes)",
                f.helpful_share() * 100.0,
                name(kb, &f.entry),
                f.helpful,
                f.helpful + f.not_helpful
            );
        }
        let _ = writeln!(
            out,
            "\nunanswered questions by the closest entry ({}):",
            self.questions()
        );
        if self.groups.is_empty() {
            out.push_str("  (none kept: servers turn this on with /settings unanswered on)\n");
        }
        for g in &self.groups {
            let _ = writeln!(out, "  {} ({})", group_name(kb, g), g.questions.len());
            for q in &g.questions {
                let _ = writeln!(out, "    {}  {:<8}  {}", q.day, q.kind.as_str(), q.text);
            }
        }
        out.truncate(out.trim_end().len());
        out
    }

    pub fn markdown(&self, kb: &KnowledgeBase) -> String {
        let s = &self.stats;
        let k = &s.kinds;
        let mut out = String::new();
        let _ = writeln!(out, "# calcibot report, {} to {}\n", s.from, s.to);
        let _ = writeln!(
            out,
            "{} days, {} servers, {} questions.\n",
            s.per_day.len(),
            s.servers,
            s.questions()
        );
        let kinds = k.labelled();
        let labels: Vec<&str> = kinds.iter().map(|(label, _)| *label).collect();
        let counts: Vec<String> = kinds.iter().map(|(_, n)| n.to_string()).collect();
        let _ = writeln!(out, "| {} |", labels.join(" | "));
        let _ = writeln!(out, "|{}", "---:|".repeat(kinds.len()));
        let _ = writeln!(out, "| {} |\n", counts.join(" | "));
        out.push_str("## Questions per day\n\n| day | questions |\n|---|---:|\n");
        for d in &s.per_day {
            let _ = writeln!(out, "| {} | {} |", d.day, d.questions);
        }
        out.push_str("\n## Top entries\n\n");
        if s.top_entries.is_empty() {
            out.push_str("None answered.\n");
        } else {
            out.push_str("| entry | answers |\n|---|---:|\n");
        }
        for e in &s.top_entries {
            let _ = writeln!(out, "| {} | {} |", cell(&name(kb, &e.entry)), e.answers);
        }
        out.push_str("\n## Helpful share\n\n");
        if s.feedback.is_empty() {
            out.push_str("No votes.\n");
        } else {
            out.push_str("| entry | helpful | votes |\n|---|---:|---:|\n");
        }
        for f in &s.feedback {
            let _ = writeln!(
                out,
                "| {} | {:.0}% | {} |",
                cell(&name(kb, &f.entry)),
                f.helpful_share() * 100.0,
                f.helpful + f.not_helpful
            );
        }
        let _ = writeln!(
            out,
            "\n## Unanswered questions by the closest entry ({})",
            self.questions()
        );
        if self.groups.is_empty() {
            out.push_str("\nNone kept: servers turn this on with `/settings unanswered on`.\n");
        }
        for g in &self.groups {
            let _ = writeln!(out, "\n### {} ({})\n", group_name(kb, g), g.questions.len());
            for q in &g.questions {
                let _ = writeln!(
                    out,
                    "- {} ({}): {}",
                    q.day,
                    q.kind.as_str(),
                    escape(&q.text)
                );
            }
        }
        out.truncate(out.trim_end().len());
        out
    }

    pub fn json(&self) -> serde_json::Value {
        let s = &self.stats;
        json!({
            "from": s.from,
            "to": s.to,
            "days": s.per_day.len(),
            "servers": s.servers,
            "questions": s.questions(),
            "kinds": s.kinds,
            "per_day": s.per_day,
            "top_entries": s.top_entries,
            "feedback": s.feedback.iter().map(|f| json!({
                "entry": f.entry,
                "helpful": f.helpful,
                "not_helpful": f.not_helpful,
                "helpful_share": f.helpful_share(),
            })).collect::<Vec<_>>(),
            "unanswered": self.groups.iter().map(|g| json!({
                "closest": g.closest,
                "questions": g.questions.iter().map(|q| json!({
                    "day": q.day,
                    "kind": q.kind,
                    "text": q.text,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }

    fn questions(&self) -> usize {
        self.groups.iter().map(|g| g.questions.len()).sum()
    }
}

fn group(questions: Vec<Question>) -> Vec<Group> {
    let mut by_entry: BTreeMap<Option<String>, Vec<Question>> = BTreeMap::new();
    for q in questions {
        by_entry.entry(q.closest.clone()).or_default().push(q);
    }
    let mut groups: Vec<Group> = by_entry
        .into_iter()
        .map(|(closest, questions)| Group { closest, questions })
        .collect();
    // Largest first, then by entry id; "close to nothing" last.
    groups.sort_by(|a, b| {
        (
            a.closest.is_none(),
            std::cmp::Reverse(a.questions.len()),
            &a.closest,
        )
            .cmp(&(
                b.closest.is_none(),
                std::cmp::Reverse(b.questions.len()),
                &b.closest,
            ))
    });
    groups
}

/// An entry as `id: title`, or the id alone when the knowledge base no longer has it.
fn name(kb: &KnowledgeBase, id: &str) -> String {
    match kb.entry(id) {
        Some(entry) => format!("{id}: {}", entry.title),
        None => id.to_string(),
    }
}

fn group_name(kb: &KnowledgeBase, g: &Group) -> String {
    match &g.closest {
        Some(id) => name(kb, id),
        None => "close to no entry".to_string(),
    }
}

/// Markdown characters in a member's question, escaped so the text shows as it was typed.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>#|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}
