//! The whole knowledge base for review: JSON for scripts (and the grounding check), Markdown
//! for moderators who want to read or pin what the bot says.

use std::fmt::Write as _;

use serde_json::json;

use crate::knowledge::{Entry, KnowledgeBase};
use crate::sources::{self, Cited};

/// `{"entries": [...], "sources": [...], ...}` with every field of every entry, and each
/// citation resolved to its source's title, publisher and link.
pub fn json(kb: &KnowledgeBase) -> serde_json::Value {
    let entries: Vec<serde_json::Value> = kb.entries.iter().map(|e| entry_json(kb, e)).collect();
    json!({
        "entries": entries,
        "sources": kb.sources,
        "themes": kb.topics.themes,
        "disclaimer": kb.safety.disclaimer.trim(),
        "reviewed": kb.reviewed(),
        "reviewers": kb.reviewers(),
    })
}

fn entry_json(kb: &KnowledgeBase, entry: &Entry) -> serde_json::Value {
    let sources: Vec<serde_json::Value> = entry
        .sources
        .iter()
        .map(|c| {
            let source = kb.source(&c.id);
            json!({
                "id": c.id,
                "title": source.map(|s| s.title.as_str()),
                "publisher": source.map(|s| s.publisher.as_str()),
                "url": source.and_then(|s| s.url.as_deref()),
                "section": c.section,
            })
        })
        .collect();
    json!({
        "id": entry.id,
        "theme": entry.theme,
        "title": entry.title,
        "questions": entry.questions,
        "keywords": entry.keywords,
        "patterns": entry.patterns,
        "answer": entry.answer.trim(),
        "conflict": entry.conflict.as_deref().map(str::trim),
        "sources": sources,
        "related": entry.related,
        "help_now": entry.help_now.then(|| kb.safety.help_now.trim()),
        "reviewed": entry.reviewed,
        "reviewer": entry.reviewer,
    })
}

/// A readable FAQ, grouped by theme, each answer with its sources.
pub fn markdown(kb: &KnowledgeBase) -> String {
    let mut out = String::from(
        "# Calcium deposits in the skin (calcinosis cutis): questions and answers\n\n",
    );
    writeln!(out, "> {}\n", kb.safety.disclaimer.trim()).ok();
    writeln!(
        out,
        "{} answers, last reviewed {}. Written in our own words from the sources listed at the end.\n",
        kb.entries.len(),
        kb.reviewed()
    )
    .ok();
    for (theme, entries) in kb.themes() {
        writeln!(out, "## {}\n", theme.name).ok();
        for entry in entries {
            writeln!(out, "### {}\n", entry.title).ok();
            writeln!(out, "{}\n", entry.answer.trim()).ok();
            if let Some(conflict) = &entry.conflict {
                writeln!(out, "**Where the sources disagree:** {}\n", conflict.trim()).ok();
            }
            if entry.help_now {
                writeln!(out, "{}\n", kb.safety.help_now.trim()).ok();
            }
            let cited: Vec<String> = sources::of_entry(kb, entry)
                .iter()
                .map(Cited::markdown)
                .collect();
            writeln!(out, "*Sources:* {}  ", cited.join("; ")).ok();
            writeln!(
                out,
                "*Reviewed:* {} by {} · *id:* `{}`\n",
                entry.reviewed, entry.reviewer, entry.id
            )
            .ok();
        }
    }
    writeln!(out, "## Sources\n").ok();
    for source in &kb.sources {
        let cited = Cited::whole(source).markdown();
        if source.url.is_some() {
            writeln!(out, "- {cited}").ok();
        } else {
            writeln!(out, "- {cited} (no public copy found)").ok();
        }
    }
    out
}
