//! Rendering a reply as plain text (terminal, `ask`) and as the CLI's JSON contract.
//!
//! Discord renders the same `Reply` as an embed in `discord/`; what every renderer must show is
//! the same: alert first, then the answer, the conflict note, the sources and the disclaimer.

use std::fmt::Write as _;

use serde_json::json;

use crate::reply::{Reply, ReplyKind};

/// The reply as text for a terminal (markdown emphasis removed, links written out).
pub fn text(reply: &Reply<'_>) -> String {
    let mut out = String::new();
    if let Some(alert) = reply.alert {
        let label = if reply.kind == ReplyKind::Crisis {
            "PLEASE READ"
        } else {
            "URGENT"
        };
        writeln!(out, "[{label}] {}", plain(alert)).ok();
        out.push('\n');
    }
    if let Some(dosing) = reply.dosing {
        writeln!(out, "[ABOUT YOUR MEDICINE] {}", plain(dosing)).ok();
        out.push('\n');
    }
    if let Some(message) = reply.message {
        writeln!(out, "{}", plain(message)).ok();
    }
    if reply.kind == ReplyKind::Clarify || reply.kind == ReplyKind::NoMatch {
        for (i, entry) in reply.candidates.iter().enumerate() {
            writeln!(out, "  {}. {} [{}]", i + 1, entry.title, entry.id).ok();
        }
        out.push('\n');
    } else if reply.message.is_some() {
        out.push('\n');
    }
    if let Some(entry) = reply.entry {
        writeln!(out, "{}", entry.title).ok();
        writeln!(out, "{}", "-".repeat(entry.title.chars().count().min(72))).ok();
        writeln!(out, "{}", plain(entry.answer.trim())).ok();
        if let Some(conflict) = &entry.conflict {
            writeln!(
                out,
                "\nWhere the sources disagree: {}",
                plain(conflict.trim())
            )
            .ok();
        }
        if let Some(help_now) = reply.help_now {
            writeln!(out, "\n{}", plain(help_now)).ok();
        }
        writeln!(out, "\nSources:").ok();
        for cited in reply.sources_by_article() {
            writeln!(out, "  - {}", cited.plain()).ok();
        }
        writeln!(
            out,
            "Last reviewed: {} ({})",
            entry.reviewed, entry.reviewer
        )
        .ok();
        if !reply.related.is_empty() {
            writeln!(out, "\nRelated topics:").ok();
            for (i, related) in reply.related.iter().enumerate() {
                writeln!(out, "  {}. {} [{}]", i + 1, related.title, related.id).ok();
            }
        }
        out.push('\n');
    }
    write!(out, "{}", plain(reply.disclaimer.trim())).ok();
    out
}

/// The reply as the CLI's JSON object:
/// `{"kind", "entry", "candidates", "score", "flags", "text"}`.
pub fn json(reply: &Reply<'_>) -> serde_json::Value {
    json!({
        "kind": reply.kind.as_str(),
        "entry": reply.entry.map(|e| e.id.as_str()),
        "candidates": reply.candidates.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        "score": (f64::from(reply.score) * 1000.0).round() / 1000.0,
        "flags": reply.flags(),
        "text": text(reply),
    })
}

/// Markdown emphasis is for Discord; a terminal shows the words.
fn plain(text: &str) -> String {
    text.replace("**", "").replace("__", "")
}
