//! The message the bot sends, as plain data: cards (embeds), rows of buttons and menus, and
//! Discord's limits on each. Building messages as data first lets the limits be checked and
//! tested without serenity; `send` turns them into what Discord reads.
//!
//! Text that does not fit is cut at a word, never inside a link, and marked with an ellipsis;
//! whole lines (of sources, of topics) are dropped rather than cut.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::ids::ComponentId;

/// Discord's limits, in characters (Unicode scalar values, as Discord counts them) and items.
pub mod limits {
    pub const CONTENT: usize = 2_000;
    pub const TITLE: usize = 256;
    pub const DESCRIPTION: usize = 4_096;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1_024;
    pub const FIELDS: usize = 25;
    pub const FOOTER: usize = 2_048;
    /// All the text of all the embeds of one message together.
    pub const EMBED_TOTAL: usize = 6_000;
    pub const EMBEDS: usize = 10;
    pub const ROWS: usize = 5;
    pub const BUTTONS_PER_ROW: usize = 5;
    pub const BUTTON_LABEL: usize = 80;
    pub const CUSTOM_ID: usize = 100;
    pub const SELECT_OPTIONS: usize = 25;
    pub const OPTION_LABEL: usize = 100;
    pub const OPTION_VALUE: usize = 100;
    pub const OPTION_DESCRIPTION: usize = 100;
    pub const PLACEHOLDER: usize = 150;
    pub const AUTOCOMPLETE_CHOICES: usize = 25;
    pub const CHOICE_NAME: usize = 100;
}

pub const ANSWER_COLOUR: u32 = 0x2B_7A_78;
pub const URGENT_COLOUR: u32 = 0xD3_2F_2F;
pub const DOSING_COLOUR: u32 = 0xF9_A8_25;
pub const INFO_COLOUR: u32 = 0x58_65_F2;

/// One embed, as data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Card {
    pub title: Option<String>,
    pub description: Option<String>,
    pub colour: u32,
    pub fields: Vec<Field>,
    pub footer: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

/// One action row, as data.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Buttons(Vec<Button>),
    Select(Select),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub id: ComponentId,
    pub label: String,
    pub primary: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub id: ComponentId,
    pub placeholder: String,
    pub options: Vec<SelectOption>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SelectOption {
    pub label: String,
    pub value: String,
    pub description: Option<String>,
    pub default: bool,
}

/// A whole message: what the handlers send.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub cards: Vec<Card>,
    pub rows: Vec<Row>,
}

impl Card {
    /// A card of the bot's own words (help, about, browsing, lead-ins), its text fitted to the
    /// description limit.
    pub fn info(title: Option<&str>, text: &str) -> Card {
        Card {
            title: title.map(str::to_string),
            description: Some(fit(text, limits::DESCRIPTION).into_owned()),
            colour: INFO_COLOUR,
            ..Card::default()
        }
    }

    /// The characters Discord counts toward the 6,000 of a message.
    pub fn chars(&self) -> usize {
        let len = |s: &Option<String>| s.as_deref().map_or(0, |s| s.chars().count());
        len(&self.title)
            + len(&self.description)
            + len(&self.footer)
            + self
                .fields
                .iter()
                .map(|f| f.name.chars().count() + f.value.chars().count())
                .sum::<usize>()
    }
}

impl Rendered {
    /// Every way the message breaks one of Discord's limits (none, when it is sendable).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut other = Vec::new();
        let len = |s: &str| s.chars().count();
        let mut check = |what: &str, n: usize, max: usize| {
            if n > max {
                problems.push(format!("{what}: {n} > {max}"));
            }
        };
        check("embeds", self.cards.len(), limits::EMBEDS);
        check(
            "embed total",
            self.cards.iter().map(Card::chars).sum(),
            limits::EMBED_TOTAL,
        );
        for card in &self.cards {
            check("title", card.title.as_deref().map_or(0, len), limits::TITLE);
            check(
                "description",
                card.description.as_deref().map_or(0, len),
                limits::DESCRIPTION,
            );
            check(
                "footer",
                card.footer.as_deref().map_or(0, len),
                limits::FOOTER,
            );
            check("fields", card.fields.len(), limits::FIELDS);
            for field in &card.fields {
                check("field name", len(&field.name), limits::FIELD_NAME);
                check("field value", len(&field.value), limits::FIELD_VALUE);
            }
        }
        check("rows", self.rows.len(), limits::ROWS);
        let mut ids = std::collections::HashSet::new();
        for row in &self.rows {
            match row {
                Row::Buttons(buttons) => {
                    check("buttons in a row", buttons.len(), limits::BUTTONS_PER_ROW);
                    for b in buttons {
                        check("button label", len(&b.label), limits::BUTTON_LABEL);
                        check("custom id", b.id.chars(), limits::CUSTOM_ID);
                        if !ids.insert(b.id.to_string()) {
                            other.push(format!("duplicate custom id {}", b.id));
                        }
                    }
                }
                Row::Select(select) => {
                    check(
                        "select options",
                        select.options.len(),
                        limits::SELECT_OPTIONS,
                    );
                    check("placeholder", len(&select.placeholder), limits::PLACEHOLDER);
                    check("custom id", select.id.chars(), limits::CUSTOM_ID);
                    if !ids.insert(select.id.to_string()) {
                        other.push(format!("duplicate custom id {}", select.id));
                    }
                    if select.options.is_empty() {
                        other.push(format!("select {} has no options", select.id));
                    }
                    for o in &select.options {
                        check("option label", len(&o.label), limits::OPTION_LABEL);
                        check("option value", len(&o.value), limits::OPTION_VALUE);
                        let d = o.description.as_deref().map_or(0, len);
                        check("option description", d, limits::OPTION_DESCRIPTION);
                    }
                }
            }
        }
        problems.extend(other);
        problems
    }

    /// Adds a row if there is room for one; returns whether it was added.
    pub fn push_row(&mut self, row: Row) -> bool {
        if self.rows.len() < limits::ROWS {
            self.rows.push(row);
            true
        } else {
            false
        }
    }
}

/// Whole lines, as many as fit in `max`, and a note of how many were left out.
pub fn lines_within(lines: impl Iterator<Item = String>, max: usize) -> String {
    let lines: Vec<String> = lines.collect();
    let mut out = String::new();
    let mut used = 0;
    for (i, line) in lines.iter().enumerate() {
        let rest = lines.len() - i - 1;
        let note = if rest > 0 {
            format!("\n…and {rest} more")
        } else {
            String::new()
        };
        let sep = usize::from(!out.is_empty());
        let len = line.chars().count();
        if used + sep + len + note.chars().count() <= max {
            if sep == 1 {
                out.push('\n');
            }
            out.push_str(line);
            used += sep + len;
        } else {
            let left = lines.len() - i;
            let note = format!("…and {left} more");
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&note);
            break;
        }
    }
    out
}

/// Shrinks the longest descriptions until all the cards together fit in one message.
pub fn fit_total(cards: &mut [Card]) {
    // Each round halves the longest description at most, so a few dozen rounds always end.
    for _ in 0..64 {
        let total: usize = cards.iter().map(Card::chars).sum();
        if total <= limits::EMBED_TOTAL {
            return;
        }
        let excess = total - limits::EMBED_TOTAL;
        let Some(card) = cards
            .iter_mut()
            .max_by_key(|c| c.description.as_deref().map_or(0, |d| d.chars().count()))
        else {
            return;
        };
        let Some(description) = &card.description else {
            break;
        };
        let len = description.chars().count();
        if len <= 100 {
            break;
        }
        let target = len.saturating_sub(excess).max(len / 2);
        card.description = Some(fit(description, target).into_owned());
    }
    // Descriptions alone could not make room: drop fields, last first.
    while cards.iter().map(Card::chars).sum::<usize>() > limits::EMBED_TOTAL {
        match cards.iter_mut().rev().find(|c| !c.fields.is_empty()) {
            Some(card) => {
                card.fields.pop();
            }
            None => break,
        }
    }
}

/// Links, in markdown or bare: a cut must fall outside them.
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[[^\]\n]*\]\([^)\s]*\)|<?https?://[^\s>]+>?").expect("the link pattern is valid")
});

/// `text` trimmed and, when longer than `max` characters, cut at a word boundary outside any
/// link, with an ellipsis (and a closing `**` when the cut falls inside bold text).
pub fn fit(text: &str, max: usize) -> Cow<'_, str> {
    let text = text.trim();
    if text.chars().count() <= max {
        return Cow::Borrowed(text);
    }
    if max < 4 {
        return Cow::Owned(text.chars().take(max).collect());
    }
    // Room for the ellipsis and a closing "**".
    let budget = max - 3;
    let Some((mut cut, _)) = text.char_indices().nth(budget) else {
        return Cow::Borrowed(text);
    };
    for link in LINK.find_iter(text) {
        if link.start() >= cut {
            break;
        }
        if link.end() > cut {
            cut = link.start();
            break;
        }
    }
    let head = &text[..cut];
    // The cut is at a word boundary if the next character is a space; else back up to one.
    let at_boundary = text[cut..].starts_with(char::is_whitespace);
    let head = if at_boundary {
        head
    } else {
        match head.rfind(char::is_whitespace) {
            Some(space) => &head[..space],
            None => "",
        }
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'));
    if head.is_empty() {
        // One word (or link) longer than the whole room: nothing whole fits. Say so rather
        // than show half a word or a broken link.
        return Cow::Borrowed("…");
    }
    let mut out = head.to_string();
    if out.matches("**").count() % 2 == 1 {
        out.push_str("**");
    }
    out.push('…');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_leaves_short_text_alone() {
        assert_eq!(fit("  hello world ", 20), "hello world");
    }

    #[test]
    fn fit_cuts_at_a_word() {
        let out = fit("one two three four", 12);
        assert_eq!(out, "one two…");
        assert!(out.chars().count() <= 12);
    }

    #[test]
    fn fit_never_cuts_a_link() {
        let link = "[the article](https://example.org/a/very/long/path/to/an/article)";
        let text = format!("see {link} for more");
        for max in 1..text.chars().count() {
            let out = fit(&text, max);
            assert!(out.chars().count() <= max, "{out:?} > {max}");
            assert!(
                out.contains(link) || !out.contains('['),
                "cut a link at {max}: {out:?}"
            );
        }
        let url = "https://example.org/a/long/path";
        let bare = format!("read {url} now please");
        for max in 1..bare.chars().count() {
            let out = fit(&bare, max);
            assert!(out.contains(url) || !out.contains("http"), "{out:?}");
        }
    }

    #[test]
    fn fit_closes_bold() {
        let out = fit("**This could need medical attention now.** More text.", 20);
        assert_eq!(out.matches("**").count() % 2, 0, "{out:?}");
        assert!(out.chars().count() <= 20);
    }

    #[test]
    fn fit_counts_characters_not_bytes() {
        let text = "é".repeat(10) + " " + &"é".repeat(10);
        let out = fit(&text, 15);
        assert_eq!(out, format!("{}…", "é".repeat(10)));
    }

    #[test]
    fn lines_within_drops_whole_lines() {
        let lines = (0..100).map(|i| format!("• line number {i} with some words"));
        let out = lines_within(lines, 200);
        assert!(out.chars().count() <= 200, "{}", out.chars().count());
        assert!(out.ends_with("more"));
        for line in out.lines() {
            assert!(
                line.ends_with("words") || line.ends_with("more"),
                "{line:?}"
            );
        }
    }

    #[test]
    fn fit_total_keeps_the_message_under_six_thousand() {
        let long = "word ".repeat(2_000);
        let mut cards = vec![
            Card {
                title: Some("a".into()),
                description: Some(fit(&long, limits::DESCRIPTION).into_owned()),
                ..Card::default()
            },
            Card {
                description: Some(fit(&long, limits::DESCRIPTION).into_owned()),
                footer: Some("footer".into()),
                ..Card::default()
            },
        ];
        fit_total(&mut cards);
        let total: usize = cards.iter().map(Card::chars).sum();
        assert!(total <= limits::EMBED_TOTAL, "{total}");
        assert!(cards
            .iter()
            .all(|c| c.description.as_deref().unwrap().ends_with('…')));
    }
}
