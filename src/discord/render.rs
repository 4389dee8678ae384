//! A `Reply` as a Discord message: embeds and components, inside Discord's limits.
//!
//! What is shown follows `crate::render::text`: the alert first, the dosing notice before the
//! answer, then the answer with its conflict note, sources and review date, and the disclaimer
//! in the footer. The message is first built as plain data (`Card`, `Row`) so the limits can
//! be checked and tested without serenity, then turned into serenity's builders.
//!
//! Text that does not fit is cut at a word, never inside a link, and marked with an ellipsis;
//! whole source lines are dropped rather than cut.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use serenity::all::{
    ButtonStyle, Colour, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption,
};

use crate::knowledge::{Entry, KnowledgeBase, Theme};
use crate::reply::{Reply, ReplyKind};
use crate::sources::Cited;

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

/// Custom ids of the components, read back by `events`.
pub mod ids {
    /// A button that shows an entry: `calcibot:show:<entry id>`.
    pub const SHOW: &str = "calcibot:show:";
    /// The theme select menu of `/topics`; its values are theme ids.
    pub const THEME: &str = "calcibot:theme";
    /// An entry select menu of `/topics`: `calcibot:pick:<n>`; its values are entry ids.
    pub const PICK: &str = "calcibot:pick:";
}

pub const ANSWER_COLOUR: u32 = 0x2B_7A_78;
pub const URGENT_COLOUR: u32 = 0xD3_2F_2F;
pub const DOSING_COLOUR: u32 = 0xF9_A8_25;
pub const INFO_COLOUR: u32 = 0x58_65_F2;

/// How many related topics get a button; more would bury the answer.
const MAX_RELATED: usize = 5;

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
    pub id: String,
    pub label: String,
    pub primary: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub id: String,
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

    pub fn embed(&self) -> CreateEmbed {
        let mut embed = CreateEmbed::new().colour(Colour(self.colour));
        if let Some(title) = &self.title {
            embed = embed.title(title);
        }
        if let Some(description) = &self.description {
            embed = embed.description(description);
        }
        for field in &self.fields {
            embed = embed.field(&field.name, &field.value, field.inline);
        }
        if let Some(footer) = &self.footer {
            embed = embed.footer(CreateEmbedFooter::new(footer));
        }
        embed
    }
}

impl Row {
    pub fn action_row(&self) -> CreateActionRow {
        match self {
            Row::Buttons(buttons) => CreateActionRow::Buttons(
                buttons
                    .iter()
                    .map(|b| {
                        CreateButton::new(&b.id)
                            .label(&b.label)
                            .style(if b.primary {
                                ButtonStyle::Primary
                            } else {
                                ButtonStyle::Secondary
                            })
                    })
                    .collect(),
            ),
            Row::Select(select) => CreateActionRow::SelectMenu(
                CreateSelectMenu::new(
                    &select.id,
                    CreateSelectMenuKind::String {
                        options: select
                            .options
                            .iter()
                            .map(|o| {
                                let mut option = CreateSelectMenuOption::new(&o.label, &o.value)
                                    .default_selection(o.default);
                                if let Some(d) = &o.description {
                                    option = option.description(d);
                                }
                                option
                            })
                            .collect(),
                    },
                )
                .placeholder(&select.placeholder),
            ),
        }
    }
}

impl Rendered {
    pub fn embeds(&self) -> Vec<CreateEmbed> {
        self.cards.iter().map(Card::embed).collect()
    }

    pub fn components(&self) -> Vec<CreateActionRow> {
        self.rows.iter().map(Row::action_row).collect()
    }

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
                        check("custom id", len(&b.id), limits::CUSTOM_ID);
                        if !ids.insert(b.id.clone()) {
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
                    check("custom id", len(&select.id), limits::CUSTOM_ID);
                    if !ids.insert(select.id.clone()) {
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

/// Allowed mentions for every message the bot sends: nobody, not even the person replied to.
/// A question holding `@everyone` or a role mention must never ping anyone.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new().replied_user(false)
}

/// The reply as a message.
pub fn reply(reply: &Reply<'_>) -> Rendered {
    let mut cards = Vec::new();
    let crisis = reply.kind == ReplyKind::Crisis;
    if let Some(alert) = reply.alert {
        let title = if crisis {
            "Please read this"
        } else {
            "Urgent: please read this first"
        };
        cards.push(Card {
            title: Some(title.to_string()),
            description: Some(fit(alert, limits::DESCRIPTION).into_owned()),
            colour: URGENT_COLOUR,
            ..Card::default()
        });
    }
    // Crisis advice stands alone: nothing medical, no buttons, only the disclaimer.
    if !crisis {
        if let Some(dosing) = reply.dosing {
            // The notice opens with its own bold heading, so the card needs no title.
            cards.push(Card {
                description: Some(fit(dosing, limits::DESCRIPTION).into_owned()),
                colour: DOSING_COLOUR,
                ..Card::default()
            });
        }
        if reply.message.is_some() || (reply.entry.is_none() && !reply.candidates.is_empty()) {
            cards.push(message_card(reply));
        }
        if let Some(entry) = reply.entry {
            cards.push(entry_card(
                entry,
                reply.help_now,
                &reply.sources_by_article(),
                reply.kind,
            ));
        }
    }
    if cards.is_empty() {
        // Every kind the core produces has text; this keeps an odd reply from being an empty
        // (and so refused) message.
        cards.push(Card {
            description: Some("I don't have an answer to that.".to_string()),
            colour: INFO_COLOUR,
            ..Card::default()
        });
    }
    if let Some(last) = cards.last_mut() {
        last.footer = Some(fit(reply.disclaimer, limits::FOOTER).into_owned());
    }
    fit_total(&mut cards);

    let mut buttons = Vec::new();
    if !crisis {
        let primary = reply.kind == ReplyKind::Clarify;
        for entry in &reply.candidates {
            push_button(&mut buttons, entry, primary);
        }
        for entry in reply.related.iter().take(MAX_RELATED) {
            push_button(&mut buttons, entry, false);
        }
    }
    let rows = buttons
        .chunks(limits::BUTTONS_PER_ROW)
        .take(limits::ROWS)
        .map(|chunk| Row::Buttons(chunk.to_vec()))
        .collect();
    Rendered { cards, rows }
}

fn message_card(reply: &Reply<'_>) -> Card {
    let mut text = reply.message.unwrap_or_default().trim().to_string();
    if !reply.candidates.is_empty() {
        for entry in &reply.candidates {
            text.push_str("\n• ");
            text.push_str(entry.title.trim());
        }
    }
    if reply.kind == ReplyKind::NoMatch {
        text.push_str("\n\nUse `/topics` to browse everything I can answer.");
    }
    info_card(None, &text)
}

fn entry_card(
    entry: &Entry,
    help_now: Option<&str>,
    sources: &[Cited<'_>],
    kind: ReplyKind,
) -> Card {
    let mut fields = Vec::new();
    if let Some(help_now) = help_now {
        fields.push(Field {
            name: "When not to wait".to_string(),
            value: fit(help_now, limits::FIELD_VALUE).into_owned(),
            inline: false,
        });
    }
    if let Some(conflict) = entry.conflict.as_deref().filter(|c| !c.trim().is_empty()) {
        fields.push(Field {
            name: "Where the sources disagree".to_string(),
            value: fit(conflict, limits::FIELD_VALUE).into_owned(),
            inline: false,
        });
    }
    if !sources.is_empty() {
        fields.push(Field {
            name: "Sources".to_string(),
            value: lines_within(source_lines(sources).into_iter(), limits::FIELD_VALUE),
            inline: false,
        });
    }
    if !entry.reviewed.trim().is_empty() {
        fields.push(Field {
            name: "Last reviewed".to_string(),
            value: fit(
                &format!("{} ({})", entry.reviewed, entry.reviewer),
                limits::FIELD_VALUE,
            )
            .into_owned(),
            inline: true,
        });
    }
    Card {
        title: Some(fit(&entry.title, limits::TITLE).into_owned()),
        description: Some(fit(&entry.answer, limits::DESCRIPTION).into_owned()),
        colour: if kind == ReplyKind::Urgent {
            URGENT_COLOUR
        } else {
            ANSWER_COLOUR
        },
        fields,
        footer: None,
    }
}

/// One line per source, its cited sections together:
/// `• [Title](url), Publisher (section; section)`. A link is whole or its line is left out.
fn source_lines(cited: &[Cited<'_>]) -> Vec<String> {
    cited
        .iter()
        .map(|c| format!("• {}", c.markdown()))
        .collect()
}

/// Whole lines, as many as fit in `max`, and a note of how many were left out.
fn lines_within(lines: impl Iterator<Item = String>, max: usize) -> String {
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

fn push_button(buttons: &mut Vec<Button>, entry: &Entry, primary: bool) {
    let id = format!("{}{}", ids::SHOW, entry.id);
    if id.len() > limits::CUSTOM_ID || buttons.iter().any(|b| b.id == id) {
        return;
    }
    buttons.push(Button {
        id,
        label: fit(&entry.title, limits::BUTTON_LABEL).into_owned(),
        primary,
    });
}

/// Shrinks the longest descriptions until all the cards together fit in one message.
fn fit_total(cards: &mut [Card]) {
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

/// The cooldown notice: plain content, short, sent at most once per cooldown.
pub fn cooldown_notice(wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    format!(
        "I answered you a moment ago. Ask again in {secs} second{}, or use `/ask` with `private: True` so only you see the answer.",
        if secs == 1 { "" } else { "s" }
    )
}

/// The reply to a mention with no question in it.
pub fn empty_mention(kb: &KnowledgeBase) -> Rendered {
    let mut text = String::from(
        "Ask me a question about calcium deposits in the skin after the mention, for example:",
    );
    for entry in examples(kb) {
        text.push_str("\n• ");
        text.push_str(entry.title.trim());
    }
    text.push_str("\n\n`/help` shows every way to ask.");
    with_footer(info_card(None, &text), kb)
}

/// `/help`: how to ask, with examples.
pub fn help(kb: &KnowledgeBase, auto_answer: bool) -> Rendered {
    let mut text = String::from(
        "Ask in your own words, one question at a time:\n\
         • `/ask` and your question. Add `private: True` and only you will see the answer.\n\
         • Mention me with your question in a channel I can read, and I reply to your message.\n\
         • Send me a direct message: every message there is a question.\n\
         • `/topic` looks a topic up by name (start typing and pick one); `/topics` browses them all by theme.\n\
         • `/about` says what I am and am not, where my answers come from, and what I keep.",
    );
    if auto_answer {
        text.push_str("\n• In the help channels set up for it, I also answer clear questions without a mention, and stay quiet otherwise.");
    }
    text.push_str("\n\nThe buttons under an answer show related topics. If a message describes warning signs, I say first where to get help.\n\n**Examples**");
    for entry in examples(kb) {
        text.push_str("\n• ");
        text.push_str(entry.title.trim());
    }
    with_footer(info_card(Some("How to ask"), &text), kb)
}

/// `/about`: what the bot is and is not, its sources, the base's size and review date, and
/// what it stores.
pub fn about(kb: &KnowledgeBase, cooldown: Duration) -> Rendered {
    let kept = if cooldown.is_zero() {
        "nothing at all".to_string()
    } else {
        format!(
            "only your user id, for the {} seconds of the cooldown that stops one person filling a channel",
            cooldown.as_secs()
        )
    };
    let text = format!(
        "I answer general questions about calcium deposits in the skin (calcinosis cutis) from a \
         curated knowledge base, written in its own words from the published articles below. \
         Every answer names its sources and the date it was last checked against them.\n\n\
         **What I am not:** a doctor. I cannot examine you, diagnose you, or advise on your own \
         treatment or doses; ask your doctor or nurse about those. When a message describes \
         warning signs, I say first where to get help.\n\n\
         **What I store:** nothing of what you write. Each question is answered in memory and \
         forgotten; I keep {kept}. My logs, at their default level, hold no message text."
    );
    let mut fields = vec![Field {
        name: "Knowledge base".to_string(),
        value: format!(
            "{} entries, last reviewed {} by {}",
            kb.entries.len(),
            if kb.reviewed().is_empty() {
                "(not recorded)"
            } else {
                kb.reviewed()
            },
            kb.reviewers().join(", ")
        ),
        inline: false,
    }];
    if !kb.sources.is_empty() {
        let lines = kb
            .sources
            .iter()
            .map(|s| format!("• {}", Cited::whole(s).markdown()));
        fields.push(Field {
            name: "Sources".to_string(),
            value: lines_within(lines, limits::FIELD_VALUE),
            inline: false,
        });
    }
    with_footer(
        Card {
            fields,
            ..info_card(Some("About calcibot"), &text)
        },
        kb,
    )
}

/// `/topics`: the themes, and a menu to pick one.
pub fn topics(kb: &KnowledgeBase) -> Rendered {
    let themes = kb.themes();
    let mut text = String::from(
        "Pick a theme below to see its topics, or type `/topic` and start typing a name.\n",
    );
    for (theme, entries) in &themes {
        write!(
            text,
            "\n**{}**: {} topic{}",
            theme.name.trim(),
            entries.len(),
            if entries.len() == 1 { "" } else { "s" }
        )
        .ok();
    }
    let mut rendered = with_footer(info_card(Some("Browse topics"), &text), kb);
    rendered.push_row(Row::Select(theme_select(&themes, None)));
    rendered
}

/// One theme of `/topics`: its entries, a menu to pick one, and the theme menu to move on.
pub fn theme(kb: &KnowledgeBase, theme_id: &str) -> Option<Rendered> {
    let themes = kb.themes();
    let (theme, entries) = themes.iter().find(|(t, _)| t.id == theme_id)?;
    let lines = entries.iter().map(|e| format!("• {}", e.title.trim()));
    let mut rendered = with_footer(
        Card {
            title: Some(fit(&theme.name, limits::TITLE).into_owned()),
            description: Some(lines_within(lines, limits::DESCRIPTION)),
            colour: INFO_COLOUR,
            ..Card::default()
        },
        kb,
    );
    rendered.push_row(Row::Select(theme_select(&themes, Some(&theme.id))));
    for (n, chunk) in entries.chunks(limits::SELECT_OPTIONS).enumerate() {
        let options = chunk
            .iter()
            .filter(|e| e.id.chars().count() <= limits::OPTION_VALUE)
            .map(|e| SelectOption {
                label: fit(&e.title, limits::OPTION_LABEL).into_owned(),
                value: e.id.clone(),
                description: None,
                default: false,
            })
            .collect();
        let placeholder = if entries.len() > limits::SELECT_OPTIONS {
            format!(
                "Pick a topic ({} of {})",
                n + 1,
                entries.len().div_ceil(limits::SELECT_OPTIONS)
            )
        } else {
            "Pick a topic".to_string()
        };
        let added = rendered.push_row(Row::Select(Select {
            id: format!("{}{n}", ids::PICK),
            placeholder,
            options,
        }));
        if !added {
            break;
        }
    }
    Some(rendered)
}

/// An entry shown from `/topics`: the answer, its related topics, and the theme menu.
pub fn browsed(kb: &KnowledgeBase, reply: &Reply<'_>) -> Rendered {
    let mut rendered = self::reply(reply);
    let themes = kb.themes();
    let current = reply.entry.map(|e| e.theme.as_str());
    rendered.push_row(Row::Select(theme_select(&themes, current)));
    rendered
}

fn theme_select(themes: &[(Theme, Vec<&Entry>)], current: Option<&str>) -> Select {
    Select {
        id: ids::THEME.to_string(),
        placeholder: "Pick a theme".to_string(),
        options: themes
            .iter()
            .filter(|(t, _)| t.id.chars().count() <= limits::OPTION_VALUE)
            .take(limits::SELECT_OPTIONS)
            .map(|(theme, entries)| SelectOption {
                label: fit(&theme.name, limits::OPTION_LABEL).into_owned(),
                value: theme.id.clone(),
                description: Some(format!(
                    "{} topic{}",
                    entries.len(),
                    if entries.len() == 1 { "" } else { "s" }
                )),
                default: current == Some(theme.id.as_str()),
            })
            .collect(),
    }
}

/// Entries to show as examples: the base's suggestions, else its first entries.
fn examples(kb: &KnowledgeBase) -> Vec<&Entry> {
    let suggested: Vec<&Entry> = kb
        .topics
        .suggest
        .iter()
        .filter_map(|id| kb.entry(id))
        .collect();
    if suggested.is_empty() {
        kb.entries.iter().take(3).collect()
    } else {
        suggested
    }
}

/// A card of the bot's own words (help, about, browsing, lead-ins), its text fitted to the
/// description limit.
fn info_card(title: Option<&str>, text: &str) -> Card {
    Card {
        title: title.map(str::to_string),
        description: Some(fit(text, limits::DESCRIPTION).into_owned()),
        colour: INFO_COLOUR,
        ..Card::default()
    }
}

fn with_footer(mut card: Card, kb: &KnowledgeBase) -> Rendered {
    card.footer = Some(fit(&kb.safety.disclaimer, limits::FOOTER).into_owned());
    let mut cards = vec![card];
    fit_total(&mut cards);
    Rendered {
        cards,
        rows: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::knowledge::{Source, SourceRef, Theme};
    use crate::reply::Citation;
    use crate::Bot;

    fn builtin() -> Bot {
        Bot::new(KnowledgeBase::builtin().expect("the built-in base loads")).expect("it compiles")
    }

    #[test]
    fn every_entry_and_page_fits_discord() {
        let bot = builtin();
        let kb = bot.knowledge();
        for entry in &kb.entries {
            let reply = bot.show(&entry.id).expect("shown");
            let rendered = reply_message(&reply);
            assert_eq!(rendered.problems(), Vec::<String>::new(), "{}", entry.id);
            assert_eq!(
                rendered.cards.last().unwrap().footer.as_deref(),
                Some(fit(&kb.safety.disclaimer, limits::FOOTER).as_ref())
            );
            assert!(browsed(kb, &reply).problems().is_empty(), "{}", entry.id);
        }
        for (theme, _) in kb.themes() {
            let page = self::theme(kb, &theme.id).expect("a theme page");
            assert!(
                page.problems().is_empty(),
                "{}: {:?}",
                theme.id,
                page.problems()
            );
        }
        for page in [
            topics(kb),
            about(kb, Duration::from_secs(10)),
            help(kb, true),
            empty_mention(kb),
        ] {
            assert!(page.problems().is_empty(), "{:?}", page.problems());
        }
    }

    fn reply_message(reply: &Reply<'_>) -> Rendered {
        self::reply(reply)
    }

    #[test]
    fn a_huge_reply_still_fits_without_cutting_links() {
        let bot = builtin();
        let kb = bot.knowledge();
        let long = |unit: &str, n: usize| unit.repeat(n);
        let entry = Entry {
            id: "x".repeat(90),
            title: long("A very long title word ", 30),
            reviewed: "2024-01-01".into(),
            reviewer: "a test".into(),
            help_now: false,
            questions: vec![],
            keywords: vec![],
            patterns: vec![],
            answer: long(
                "Some **bold** words and [a link](https://example.org/page) here. ",
                200,
            ),
            conflict: Some(long("The sources disagree about this point. ", 60)),
            related: vec![],
            sources: vec![SourceRef {
                id: "s".into(),
                section: "s".into(),
            }],
            theme: "general".into(),
            file: "entries/general.toml".into(),
        };
        let sources: Vec<Source> = (0..40)
            .map(|i| Source {
                id: format!("s{i}"),
                file: None,
                title: format!("Source number {i} with a longish title"),
                publisher: "Publisher".into(),
                url: Some(format!(
                    "https://example.org/articles/{i}/a-long-path-to-the-article"
                )),
                note: None,
            })
            .collect();
        let citations: Vec<Citation<'_>> = sources
            .iter()
            .map(|source| Citation {
                source,
                section: "Section",
            })
            .collect();
        let many: Vec<&Entry> = std::iter::repeat_n(&entry, 3)
            .chain(kb.entries.iter().take(30))
            .collect();
        let alert = long("Get help now. ", 400);
        let mut reply = Reply::new(kb, ReplyKind::Urgent, Some(&entry), 1.0);
        reply.alert = Some(&alert);
        reply.dosing = Some(&alert);
        reply.sources = citations;
        reply.related = many.clone();
        reply.candidates = many;
        reply.message = Some(&alert);
        let rendered = self::reply(&reply);
        assert_eq!(rendered.problems(), Vec::<String>::new());
        assert!(rendered.cards[0]
            .title
            .as_deref()
            .unwrap()
            .starts_with("Urgent"));
        for card in &rendered.cards {
            let text = format!("{:?}", card);
            // Every link that appears is whole.
            for (at, _) in text.match_indices("](") {
                let rest = &text[at + 2..];
                let end = rest.find(')').expect("a closed link");
                assert!(
                    rest[..end].starts_with("https://example.org/"),
                    "{}",
                    &rest[..end]
                );
            }
        }
        let sources = &rendered
            .cards
            .last()
            .unwrap()
            .fields
            .iter()
            .find(|f| f.name == "Sources")
            .unwrap()
            .value;
        assert!(sources.ends_with("more"), "{sources}");
    }

    #[test]
    fn crisis_shows_the_crisis_advice_only() {
        let bot = builtin();
        let kb = bot.knowledge();
        let entry = &kb.entries[0];
        let mut reply = Reply::new(kb, ReplyKind::Crisis, Some(entry), 0.0);
        reply.alert = Some(&kb.safety.crisis.text);
        reply.dosing = Some(&kb.safety.dosing.text);
        let rendered = self::reply(&reply);
        assert_eq!(rendered.cards.len(), 1);
        assert_eq!(
            rendered.cards[0].description.as_deref(),
            Some(fit(&kb.safety.crisis.text, limits::DESCRIPTION).as_ref())
        );
        assert!(rendered.cards[0].footer.is_some(), "the disclaimer");
        assert!(rendered.rows.is_empty());
    }

    #[test]
    fn clarify_and_no_match_offer_topics_as_buttons() {
        let bot = builtin();
        let kb = bot.knowledge();
        let candidates: Vec<&Entry> = kb.entries.iter().take(3).collect();
        for (kind, message) in [
            (ReplyKind::Clarify, &kb.safety.clarify),
            (ReplyKind::NoMatch, &kb.safety.no_match),
        ] {
            let mut reply = Reply::new(kb, kind, None, 0.5);
            reply.candidates = candidates.clone();
            reply.message = Some(message);
            let rendered = self::reply(&reply);
            assert!(rendered.problems().is_empty());
            let Row::Buttons(buttons) = &rendered.rows[0] else {
                panic!("buttons expected");
            };
            let ids: Vec<String> = candidates
                .iter()
                .map(|e| format!("{}{}", ids::SHOW, e.id))
                .collect();
            assert_eq!(
                buttons.iter().map(|b| b.id.clone()).collect::<Vec<_>>(),
                ids
            );
            assert_eq!(buttons[0].primary, kind == ReplyKind::Clarify);
            let text = rendered.cards[0].description.as_deref().unwrap();
            assert!(text.starts_with(message.trim()), "{text}");
            assert!(text.contains(candidates[0].title.trim()));
            assert_eq!(text.contains("/topics"), kind == ReplyKind::NoMatch);
            assert!(rendered.cards[0].footer.is_some(), "the disclaimer");
        }
    }

    #[test]
    fn dosing_comes_before_the_answer() {
        let bot = builtin();
        let kb = bot.knowledge();
        let entry = &kb.entries[0];
        let mut reply = Reply::new(kb, ReplyKind::Answer, Some(entry), 1.0);
        reply.dosing = Some(&kb.safety.dosing.text);
        let rendered = self::reply(&reply);
        assert_eq!(rendered.cards[0].colour, DOSING_COLOUR);
        assert_eq!(
            rendered.cards[1].title.as_deref(),
            Some(fit(&entry.title, limits::TITLE).as_ref())
        );
    }

    #[test]
    fn a_theme_with_many_entries_gets_several_menus() {
        let bot = builtin();
        let mut kb = bot.knowledge().clone();
        let template = kb.entries[0].clone();
        for i in 0..130 {
            let mut e = template.clone();
            e.id = format!("extra-{i}");
            e.theme = "crowded".into();
            kb.entries.push(e);
        }
        kb.topics.themes.push(Theme {
            id: "crowded".into(),
            name: "Crowded".into(),
        });
        let page = theme(&kb, "crowded").expect("the page");
        assert!(page.problems().is_empty(), "{:?}", page.problems());
        assert_eq!(page.rows.len(), limits::ROWS);
    }

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
