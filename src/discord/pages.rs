//! The bot's own pages: `/help`, `/about`, browsing `/topics` by theme, the hint after a bare
//! mention, and the cooldown notice. Their words come from `knowledge/interface.toml`.

use std::fmt::Write as _;
use std::time::Duration;

use super::ids::ComponentId;
use super::message::{
    fit, fit_total, limits, lines_within, Card, Field, Rendered, Row, Select, SelectOption,
    INFO_COLOUR,
};
use crate::knowledge::{fill, Entry, KnowledgeBase, Theme};
use crate::reply::Reply;
use crate::sources::Cited;

/// The cooldown notice: plain content, short, sent at most once per cooldown.
pub fn cooldown_notice(kb: &KnowledgeBase, wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    let texts = &kb.interface;
    if secs == 1 {
        fill(&texts.cooldown_one, &[])
    } else {
        fill(&texts.cooldown_many, &[("seconds", &secs.to_string())])
    }
}

/// The reply to a mention with no question in it.
pub fn empty_mention(kb: &KnowledgeBase) -> Rendered {
    let texts = &kb.interface;
    let mut text = texts.ask_hint.trim().to_string();
    push_examples(&mut text, kb);
    text.push_str("\n\n");
    text.push_str(texts.ask_hint_after.trim());
    with_footer(Card::info(None, &text), kb)
}

/// `/help`: how to ask, with examples. `auto_answer` are the auto-answer channels of the server
/// asking (none in a DM, or in a server that has none): each server is told its own truth.
pub fn help(kb: &KnowledgeBase, auto_answer: &[u64]) -> Rendered {
    let texts = &kb.interface;
    let mut text = texts.help.trim().to_string();
    if !auto_answer.is_empty() {
        // Channel mentions show as links to the channels and notify no one.
        let channels: Vec<String> = auto_answer.iter().map(|id| format!("<#{id}>")).collect();
        text.push('\n');
        text.push_str(&fill(
            &texts.help_auto_answer,
            &[("channels", &channels.join(", "))],
        ));
    }
    text.push_str("\n\n");
    text.push_str(texts.help_after.trim());
    text.push_str("\n\n");
    text.push_str(texts.examples.trim());
    push_examples(&mut text, kb);
    with_footer(Card::info(Some(texts.help_title.trim()), &text), kb)
}

/// `/about`: what the bot is and is not, its sources, the base's size, review date and
/// reviewers, and what it stores: in a server, with `unanswered` the days its moderators keep
/// unanswered questions (`None`: they keep none); in a DM (`server` false), nothing more.
pub fn about(
    kb: &KnowledgeBase,
    cooldown: Duration,
    server: bool,
    unanswered: Option<u32>,
) -> Rendered {
    let texts = &kb.interface;
    let kept = if cooldown.is_zero() {
        fill(&texts.kept_nothing, &[])
    } else {
        fill(
            &texts.kept_cooldown,
            &[("seconds", &cooldown.as_secs().to_string())],
        )
    };
    let unanswered = match (server, unanswered) {
        (false, _) => String::new(),
        (true, Some(days)) => fill(&texts.unanswered_on, &[("days", &days.to_string())]),
        (true, None) => fill(&texts.unanswered_off, &[]),
    };
    let text = fill(
        &texts.about,
        &[("kept", &kept), ("unanswered", &unanswered)],
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
            ..Card::info(Some(texts.about_title.trim()), &text)
        },
        kb,
    )
}

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
    let mut rendered = with_footer(Card::info(Some("Browse topics"), &text), kb);
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
            id: ComponentId::Pick(n),
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
    let mut rendered = super::reply::reply(reply, kb);
    let themes = kb.themes();
    let current = reply.entry().map(|e| e.theme.as_str());
    rendered.push_row(Row::Select(theme_select(&themes, current)));
    rendered
}

fn theme_select(themes: &[(Theme, Vec<&Entry>)], current: Option<&str>) -> Select {
    Select {
        id: ComponentId::Theme,
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

/// Example questions, one per line: the base's suggestions, else its first entries.
fn push_examples(text: &mut String, kb: &KnowledgeBase) {
    let suggested: Vec<&Entry> = kb
        .topics
        .suggest
        .iter()
        .filter_map(|id| kb.entry(id))
        .collect();
    let examples = if suggested.is_empty() {
        kb.entries.iter().take(3).collect()
    } else {
        suggested
    };
    for entry in examples {
        text.push_str("\n• ");
        text.push_str(entry.title.trim());
    }
}

/// A page of one card, with the disclaimer in its footer.
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
    use crate::Bot;

    fn builtin() -> Bot {
        Bot::new(KnowledgeBase::builtin().expect("the built-in base loads")).expect("it compiles")
    }

    #[test]
    fn every_page_fits_discord() {
        let bot = builtin();
        let kb = bot.knowledge();
        for entry in &kb.entries {
            let shown = bot.show(&entry.id).expect("shown");
            assert!(browsed(kb, &shown).problems().is_empty(), "{}", entry.id);
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
            about(kb, Duration::from_secs(10), true, Some(30)),
            help(kb, &[1, 2]),
            help(kb, &[]),
            empty_mention(kb),
        ] {
            assert!(page.problems().is_empty(), "{:?}", page.problems());
        }
    }

    #[test]
    fn help_names_only_this_servers_auto_answer_channels() {
        let kb = KnowledgeBase::builtin().expect("loads");
        let text = |page: Rendered| page.cards[0].description.clone().unwrap_or_default();
        let here = text(help(&kb, &[111, 222]));
        assert!(here.contains("<#111>") && here.contains("<#222>"), "{here}");
        let elsewhere = text(help(&kb, &[]));
        assert!(!elsewhere.contains("without a mention"), "{elsewhere}");
    }

    #[test]
    fn the_cooldown_notice_says_how_long() {
        let kb = KnowledgeBase::builtin().expect("loads");
        assert!(cooldown_notice(&kb, Duration::from_secs(7)).contains("7 seconds"));
        assert!(!cooldown_notice(&kb, Duration::from_millis(300)).contains('{'));
    }

    #[test]
    fn about_names_the_reviewers_and_what_is_kept() {
        let kb = KnowledgeBase::builtin().expect("loads");
        let page = about(&kb, Duration::from_secs(10), true, Some(14));
        let text = format!("{:?}", page.cards[0]);
        for reviewer in kb.reviewers() {
            assert!(text.contains(reviewer), "{reviewer} missing");
        }
        assert!(text.contains("10 seconds"), "{text}");
        assert!(text.contains("for 14 days"), "{text}");
        let text = format!("{:?}", about(&kb, Duration::ZERO, true, None).cards[0]);
        assert!(text.contains(kb.interface.kept_nothing.trim()), "{text}");
        assert!(text.contains(kb.interface.unanswered_off.trim()), "{text}");
        let text = format!("{:?}", about(&kb, Duration::ZERO, false, None).cards[0]);
        assert!(!text.contains("This server"), "{text}");
    }

    #[test]
    fn a_theme_with_many_entries_gets_several_menus() {
        let mut kb = KnowledgeBase::builtin().expect("loads");
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
}
