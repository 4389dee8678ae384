//! Rendering a reply as text (terminal, `ask`) and as the CLI's JSON contract.
//!
//! Discord renders the same `Reply` as an embed in `discord/`; what every renderer must show is
//! the same: alert first, then the answer, the conflict note, the sources and the disclaimer.

use std::fmt::Write as _;

use serde_json::json;

use crate::reply::{Reply, ReplyKind};

/// How text is laid out for the one reading it: plain (piped output, scripts, the JSON's
/// `text`), or for a person at a terminal, wrapped at word boundaries to its width, with bold
/// titles and dim sources unless `NO_COLOR` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Wrap lines to this many columns.
    width: Option<usize>,
    /// Bold titles and dim sources (ANSI escapes).
    emphasis: bool,
}

/// Narrower than this, wrapping would do more harm than good.
const MIN_WIDTH: usize = 20;

impl Style {
    /// No wrapping, no escapes: what a pipe or a script reads.
    pub fn plain() -> Style {
        Style::default()
    }

    /// For standard output: wrapped and emphasised when it is a terminal (no emphasis when
    /// `NO_COLOR` is set, as no-color.org asks), plain when it is piped.
    pub fn for_stdout() -> Style {
        use std::io::IsTerminal;
        if !std::io::stdout().is_terminal() {
            return Style::plain();
        }
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style::terminal(
            terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)),
            !no_color,
        )
    }

    /// A terminal `width` columns wide (if known), with or without emphasis.
    pub fn terminal(width: Option<usize>, emphasis: bool) -> Style {
        Style {
            width: width.filter(|&w| w >= MIN_WIDTH),
            emphasis,
        }
    }

    /// Writes `line`, wrapped with `indent` before its first line and `hang` before the rest,
    /// in `tone`.
    fn line(&self, out: &mut String, line: &str, indent: &str, hang: &str, tone: Tone) {
        let lines: Vec<std::borrow::Cow<'_, str>> = match self.width {
            Some(width) if !line.is_empty() => {
                let options = textwrap::Options::new(width)
                    .initial_indent(indent)
                    .subsequent_indent(hang)
                    // Never inside a word: not at a hyphen (which would break a link), and
                    // a word longer than the line stays whole.
                    .word_splitter(textwrap::WordSplitter::NoHyphenation)
                    .break_words(false);
                textwrap::wrap(line, options)
            }
            _ => vec![format!("{indent}{line}").into()],
        };
        for wrapped in lines {
            match (self.emphasis, tone) {
                (true, Tone::Title) => write!(out, "\x1b[1m{wrapped}\x1b[0m"),
                (true, Tone::Quiet) => write!(out, "\x1b[2m{wrapped}\x1b[0m"),
                _ => write!(out, "{wrapped}"),
            }
            .ok();
            out.push('\n');
        }
    }

    /// Writes a paragraph of several lines, each wrapped; list items (`- `, `• `, `1. `) hang
    /// under their text.
    fn paragraph(&self, out: &mut String, text: &str, tone: Tone) {
        for line in text.lines() {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            let marker = list_marker(trimmed);
            let hang = format!("{indent}{}", " ".repeat(marker.chars().count()));
            self.line(out, trimmed, indent, &hang, tone);
        }
    }
}

/// How a line is shown to a person at a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tone {
    Normal,
    /// Titles: bold.
    Title,
    /// Sources and review dates: dim, so the answer stands out.
    Quiet,
}

/// The list marker a line starts with (`- `, `* `, `• `, `12. `), or "".
fn list_marker(line: &str) -> &str {
    for marker in ["- ", "* ", "• "] {
        if line.starts_with(marker) {
            return &line[..marker.len()];
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && line[digits..].starts_with(". ") {
        return &line[..digits + 2];
    }
    ""
}

/// The reply as plain text (markdown emphasis removed, links written out).
pub fn text(reply: &Reply<'_>) -> String {
    styled(reply, &Style::plain())
}

/// The reply as text laid out in `style`.
pub fn styled(reply: &Reply<'_>, style: &Style) -> String {
    let mut out = String::new();
    if let Some(alert) = reply.alert() {
        let label = if reply.kind() == ReplyKind::Crisis {
            "PLEASE READ"
        } else {
            "URGENT"
        };
        style.paragraph(
            &mut out,
            &format!("[{label}] {}", plain(alert)),
            Tone::Title,
        );
        out.push('\n');
    }
    if let Some(note) = reply
        .language_note()
        .filter(|_| reply.kind() != ReplyKind::Crisis)
    {
        let note = format!("[LANGUAGE] {}", plain(note));
        style.paragraph(&mut out, &note, Tone::Normal);
    }
    if let Some(dosing) = reply.dosing() {
        let notice = format!("[ABOUT YOUR MEDICINE] {}", plain(dosing));
        style.paragraph(&mut out, &notice, Tone::Normal);
        out.push('\n');
    }
    if let Some(message) = reply.message() {
        style.paragraph(&mut out, &plain(message), Tone::Normal);
    }
    if matches!(reply.kind(), ReplyKind::Clarify | ReplyKind::NoMatch) {
        for (i, entry) in reply.candidates().iter().enumerate() {
            let item = format!("{}. {} [{}]", i + 1, entry.title, entry.id);
            style.line(&mut out, &item, "  ", "     ", Tone::Normal);
        }
        out.push('\n');
    } else if reply.message().is_some() {
        out.push('\n');
    }
    if let Some(entry) = reply.entry() {
        style.paragraph(&mut out, &entry.title, Tone::Title);
        let rule = entry
            .title
            .chars()
            .count()
            .min(style.width.unwrap_or(72))
            .min(72);
        writeln!(out, "{}", "-".repeat(rule)).ok();
        style.paragraph(&mut out, &plain(entry.answer.trim()), Tone::Normal);
        if let Some(conflict) = &entry.conflict {
            out.push('\n');
            let note = format!("Where the sources disagree: {}", plain(conflict.trim()));
            style.paragraph(&mut out, &note, Tone::Normal);
        }
        if let Some(help_now) = reply.help_now() {
            out.push('\n');
            style.paragraph(&mut out, &plain(help_now), Tone::Normal);
        }
        out.push('\n');
        style.line(&mut out, "Sources:", "", "", Tone::Quiet);
        for cited in reply.sources_by_article() {
            style.line(&mut out, &cited.plain(), "  - ", "    ", Tone::Quiet);
        }
        let reviewed = format!("Last reviewed: {} ({})", entry.reviewed, entry.reviewer);
        style.line(&mut out, &reviewed, "", "", Tone::Quiet);
        // Numbered on from one list to the next, as the terminal opens them by number.
        if !reply.also().is_empty() {
            out.push('\n');
            style.line(&mut out, "You also asked about:", "", "", Tone::Normal);
            for (i, also) in reply.also().iter().enumerate() {
                let item = format!("{}. {} [{}]", i + 1, also.title, also.id);
                style.line(&mut out, &item, "  ", "     ", Tone::Normal);
            }
        }
        if !reply.related().is_empty() {
            out.push('\n');
            style.line(&mut out, "Related topics:", "", "", Tone::Normal);
            for (i, related) in reply.related().iter().enumerate() {
                let n = reply.also().len() + i + 1;
                let item = format!("{}. {} [{}]", n, related.title, related.id);
                style.line(&mut out, &item, "  ", "     ", Tone::Normal);
            }
        }
        out.push('\n');
    }
    let disclaimer = reply.disclaimer().trim();
    if !disclaimer.is_empty() {
        style.paragraph(&mut out, &plain(disclaimer), Tone::Quiet);
    }
    // The last line ends without a newline, as callers add their own.
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

/// `text` laid out in `style`: the bot's own words outside a reply (the chat's greeting).
pub fn words(text: &str, style: &Style) -> String {
    let mut out = String::new();
    style.paragraph(&mut out, text.trim(), Tone::Normal);
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

/// The reply as the CLI's JSON object:
/// `{"kind", "entry", "candidates", "score", "flags", "also", "lang", "text"}`; `lang` is the
/// language of the bot's own words (safety texts and the language note).
pub fn json(reply: &Reply<'_>) -> serde_json::Value {
    json!({
        "kind": reply.kind().as_str(),
        "entry": reply.entry().map(|e| e.id.as_str()),
        "candidates": reply.candidates().iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        "score": (f64::from(reply.score()) * 1000.0).round() / 1000.0,
        "flags": reply.flags(),
        "also": reply.also().iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        "lang": reply.language(),
        "text": text(reply),
    })
}

/// Markdown emphasis is for Discord; a terminal shows the words.
fn plain(text: &str) -> String {
    text.replace("**", "").replace("__", "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Bot, KnowledgeBase};

    /// `text` without ANSI escapes.
    fn visible(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn a_terminal_gets_whole_words_within_its_width() {
        let bot = Bot::new(KnowledgeBase::builtin().expect("loads")).expect("compiles");
        for entry in &bot.knowledge().entries {
            let reply = bot.show(&entry.id).expect("shown");
            let plain = text(&reply);
            let styled = visible(&styled(&reply, &Style::terminal(Some(50), true)));
            for line in styled.lines() {
                let width = line.chars().count();
                // A word longer than the line (a URL) is left whole rather than broken.
                let one_word = line.split_whitespace().count() <= 2;
                assert!(width <= 50 || one_word, "{}: {line:?}", entry.id);
            }
            // The words, leaving out the rule under the title (it is as wide as the terminal).
            let words = |t: &str| {
                t.split_whitespace()
                    .filter(|w| w.len() < 2 || w.chars().any(|c| c != '-'))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            assert_eq!(words(&styled), words(&plain), "{}: words changed", entry.id);
        }
    }

    #[test]
    fn titles_are_bold_and_sources_dim_unless_no_color() {
        let bot = Bot::new(KnowledgeBase::builtin().expect("loads")).expect("compiles");
        let entry = &bot.knowledge().entries[0];
        let reply = bot.show(&entry.id).expect("shown");
        let coloured = styled(&reply, &Style::terminal(Some(200), true));
        assert!(coloured.contains(&format!("\x1b[1m{}\x1b[0m", entry.title)));
        assert!(coloured.contains("\x1b[2mSources:\x1b[0m"));
        let no_color = styled(&reply, &Style::terminal(Some(200), false));
        assert!(!no_color.contains('\x1b'));
        assert!(!text(&reply).contains('\x1b'));
    }

    #[test]
    fn list_items_hang_under_their_text() {
        let mut out = String::new();
        let style = Style::terminal(Some(24), false);
        style.paragraph(
            &mut out,
            "- one two three four five six seven",
            Tone::Normal,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 1, "{out}");
        assert!(lines[0].starts_with("- one"));
        assert!(
            lines[1].starts_with("  ") && !lines[1].starts_with("   "),
            "{out}"
        );
    }
}
