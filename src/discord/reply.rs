//! A `Reply` as a Discord message: what is shown follows `crate::render::text`: the alert
//! first, the dosing notice before the answer, then the answer with its conflict note, sources
//! and review date, and the disclaimer in the footer; related topics and clarify choices as
//! buttons. Crisis advice stands alone.

use super::ids::ComponentId;
use super::message::{
    fit, fit_total, limits, lines_within, Button, Card, Field, Rendered, Row, ANSWER_COLOUR,
    DOSING_COLOUR, INFO_COLOUR, URGENT_COLOUR,
};
use crate::knowledge::{Entry, KnowledgeBase};
use crate::reply::{Reply, ReplyKind};
use crate::sources::Cited;

/// How many related topics get a button; more would bury the answer.
const MAX_RELATED: usize = 5;

/// The reply as a message; `kb` gives the bot's own words around it.
pub fn reply(reply: &Reply<'_>, kb: &KnowledgeBase) -> Rendered {
    let mut cards = Vec::new();
    let crisis = reply.kind() == ReplyKind::Crisis;
    if let Some(alert) = reply.alert() {
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
        // Written in another language: say first, in it, that the answers are in English.
        if let Some(note) = reply.language_note() {
            cards.push(Card {
                description: Some(fit(note, limits::DESCRIPTION).into_owned()),
                colour: INFO_COLOUR,
                ..Card::default()
            });
        }
        if let Some(dosing) = reply.dosing() {
            // The notice opens with its own bold heading, so the card needs no title.
            cards.push(Card {
                description: Some(fit(dosing, limits::DESCRIPTION).into_owned()),
                colour: DOSING_COLOUR,
                ..Card::default()
            });
        }
        if let Some(message) = reply.message() {
            cards.push(message_card(reply, message, kb));
        }
        if let Some(entry) = reply.entry() {
            cards.push(entry_card(entry, reply));
        }
        if !reply.also().is_empty() {
            cards.push(also_card(reply));
        }
    }
    // The disclaimer goes in the last card's footer. Discord refuses an empty footer, so a
    // reply without one (crisis advice may stand alone) leaves it out.
    let disclaimer = fit(reply.disclaimer(), limits::FOOTER).into_owned();
    if !disclaimer.is_empty() {
        match cards.last_mut() {
            Some(last) => last.footer = Some(disclaimer),
            // The core gives every reply some text; were one to come without, the disclaimer
            // still goes, rather than an empty message Discord would refuse.
            None => cards.push(Card::info(None, &disclaimer)),
        }
    }
    fit_total(&mut cards);

    let mut buttons = Vec::new();
    if !crisis {
        let primary = reply.kind() == ReplyKind::Clarify;
        for entry in reply.candidates() {
            push_button(&mut buttons, entry, primary);
        }
        // The other questions the message asked come first, highlighted: they were asked.
        for entry in reply.also() {
            push_button(&mut buttons, entry, true);
        }
        for entry in reply.related().iter().take(MAX_RELATED) {
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

/// The bot's own words (small talk, or the lead-in of a clarify or no-match) with the topics
/// offered.
fn message_card(reply: &Reply<'_>, message: &str, kb: &KnowledgeBase) -> Card {
    let mut text = message.trim().to_string();
    for entry in reply.candidates() {
        text.push_str("\n• ");
        text.push_str(entry.title.trim());
    }
    if reply.kind() == ReplyKind::NoMatch {
        text.push_str("\n\n");
        text.push_str(kb.interface.browse.trim());
    }
    Card::info(None, &text)
}

/// "You also asked about ...": the other questions of the message, each with its button.
fn also_card(reply: &Reply<'_>) -> Card {
    let mut text = String::from("You also asked about:");
    for entry in reply.also() {
        text.push_str("\n• ");
        text.push_str(entry.title.trim());
    }
    text.push_str("\nPress its button below to read the answer.");
    Card::info(None, &text)
}

fn entry_card(entry: &Entry, reply: &Reply<'_>) -> Card {
    let sources = reply.sources_by_article();
    let mut fields = Vec::new();
    if let Some(help_now) = reply.help_now() {
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
            value: lines_within(source_lines(&sources).into_iter(), limits::FIELD_VALUE),
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
        colour: if reply.kind() == ReplyKind::Urgent {
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

fn push_button(buttons: &mut Vec<Button>, entry: &Entry, primary: bool) {
    let Some(id) = ComponentId::show(&entry.id) else {
        return;
    };
    if buttons.iter().any(|b| b.id == id) {
        return;
    }
    buttons.push(Button {
        id,
        label: fit(&entry.title, limits::BUTTON_LABEL).into_owned(),
        primary,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::Reply;
    use crate::Bot;

    fn builtin() -> Bot {
        Bot::new(KnowledgeBase::builtin().expect("the built-in base loads")).expect("it compiles")
    }

    /// The first of `questions` the core answers with `kind`: the matcher is being tuned, so
    /// the tests take real replies of each kind rather than build ones the core never makes.
    fn reply_of<'a>(bot: &'a Bot, kind: ReplyKind, questions: &[&str]) -> Reply<'a> {
        questions
            .iter()
            .map(|q| bot.ask(q))
            .find(|r| r.kind() == kind)
            .unwrap_or_else(|| {
                panic!("none of {questions:?} gets a {kind:?} now; add one that does")
            })
    }

    #[test]
    fn the_other_questions_asked_come_as_highlighted_buttons() {
        let bot = builtin();
        let kb = bot.knowledge();
        let asked = bot.ask(
            "what scan is best for seeing how deep the calcium goes? and will they still need to biopsie it after",
        );
        assert_eq!(asked.also().len(), 1, "two questions asked");
        let rendered = reply(&asked, kb);
        assert!(rendered.problems().is_empty());
        let Row::Buttons(buttons) = &rendered.rows[0] else {
            panic!("buttons expected");
        };
        assert_eq!(
            Some(&buttons[0].id),
            ComponentId::show(&asked.also()[0].id).as_ref()
        );
        assert!(buttons[0].primary);
        assert!(rendered.cards.iter().any(|c| c
            .description
            .as_deref()
            .is_some_and(|d| d.starts_with("You also asked about:"))));
    }

    #[test]
    fn every_entry_fits_discord_with_the_disclaimer_last() {
        let bot = builtin();
        let kb = bot.knowledge();
        for entry in &kb.entries {
            let shown = bot.show(&entry.id).expect("shown");
            let rendered = reply(&shown, kb);
            assert_eq!(rendered.problems(), Vec::<String>::new(), "{}", entry.id);
            assert_eq!(
                rendered.cards.last().and_then(|c| c.footer.as_deref()),
                Some(fit(&kb.safety.disclaimer, limits::FOOTER).as_ref())
            );
            let related: Vec<ComponentId> = shown
                .related()
                .iter()
                .take(MAX_RELATED)
                .filter_map(|e| ComponentId::show(&e.id))
                .collect();
            let buttons: Vec<ComponentId> = rendered
                .rows
                .iter()
                .flat_map(|row| match row {
                    Row::Buttons(buttons) => buttons.iter().map(|b| b.id.clone()).collect(),
                    Row::Select(_) => Vec::new(),
                })
                .collect();
            assert_eq!(buttons, related, "{}", entry.id);
        }
    }

    #[test]
    fn crisis_shows_the_crisis_advice_only() {
        let bot = builtin();
        let kb = bot.knowledge();
        let crisis = reply_of(&bot, ReplyKind::Crisis, &["I want to kill myself"]);
        let rendered = reply(&crisis, kb);
        assert_eq!(rendered.cards.len(), 1);
        assert_eq!(
            rendered.cards[0].description.as_deref(),
            crisis
                .alert()
                .map(|a| fit(a, limits::DESCRIPTION))
                .as_deref()
        );
        assert!(rendered.cards[0].footer.is_some(), "the disclaimer");
        assert!(rendered.rows.is_empty());
    }

    #[test]
    fn clarify_and_no_match_offer_topics_as_buttons() {
        let bot = builtin();
        let kb = bot.knowledge();
        let clarify = reply_of(&bot, ReplyKind::Clarify, &["deposits", "cream", "removal"]);
        let no_match = reply_of(
            &bot,
            ReplyKind::NoMatch,
            &["how do I renew my passport", "what is the capital of peru"],
        );
        for offered in [clarify, no_match] {
            let rendered = reply(&offered, kb);
            assert!(rendered.problems().is_empty());
            let Row::Buttons(buttons) = &rendered.rows[0] else {
                panic!("buttons expected");
            };
            let ids: Vec<ComponentId> = offered
                .candidates()
                .iter()
                .filter_map(|e| ComponentId::show(&e.id))
                .collect();
            assert_eq!(
                buttons.iter().map(|b| b.id.clone()).collect::<Vec<_>>(),
                ids
            );
            let kind = offered.kind();
            assert_eq!(buttons[0].primary, kind == ReplyKind::Clarify);
            let text = rendered.cards[0].description.as_deref().unwrap();
            let message = offered.message().expect("a lead-in").trim();
            assert!(text.starts_with(message), "{text}");
            assert!(text.contains(offered.candidates()[0].title.trim()));
            assert_eq!(text.contains("/topics"), kind == ReplyKind::NoMatch);
            assert!(rendered.cards[0].footer.is_some(), "the disclaimer");
        }
    }

    #[test]
    fn dosing_comes_before_the_answer() {
        let bot = builtin();
        let kb = bot.knowledge();
        let asked = bot.ask("how much diltiazem should I take for my calcinosis?");
        assert!(
            asked.dosing().is_some(),
            "the question no longer raises the dosing notice"
        );
        let rendered = reply(&asked, kb);
        assert_eq!(rendered.cards[0].colour, DOSING_COLOUR);
        if let Some(entry) = asked.entry() {
            assert_eq!(
                rendered.cards.last().and_then(|c| c.title.as_deref()),
                Some(fit(&entry.title, limits::TITLE).as_ref())
            );
        }
    }

    /// The built-in base's files, with one more entry at every limit `check` allows: the
    /// longest title, answer and conflict note, every source with long sections, thirty
    /// related topics, and links throughout.
    fn base_with_a_huge_entry() -> KnowledgeBase {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
        let (mut files, unreadable) =
            crate::knowledge::read_dir_files(&dir).expect("the knowledge directory");
        assert!(unreadable.is_empty(), "{unreadable:?}");
        let kb = KnowledgeBase::from_files(files.clone(), "test".into()).expect("valid");
        let link = "see [the article](https://example.org/a/long/path/to/the/article) here. ";
        let answer = format!("Some **bold** words and {}", link.repeat(20));
        let conflict = "The sources disagree about this point. ".repeat(25);
        let sources: Vec<String> = kb
            .sources
            .iter()
            .flat_map(|s| {
                (0..3).map(move |i| {
                    format!("{{ id = \"{}\", section = \"A long section name number {i} of the article\" }}", s.id)
                })
            })
            .collect();
        let related: Vec<String> = kb
            .entries
            .iter()
            .take(30)
            .map(|e| format!("\"{}\"", e.id))
            .collect();
        let entry = format!(
            "\n[[entry]]\nid = \"huge\"\ntitle = \"{}\"\nreviewed = \"2026-01-01\"\nreviewer = \"a test\"\nhelp_now = true\nquestions = [\"a huge question\"]\nanswer = \"\"\"\n{}\"\"\"\nconflict = \"{}\"\nsources = [{}]\nrelated = [{}]\n",
            "A very long title word ".repeat(11).trim(),
            answer.trim(),
            conflict.trim(),
            sources.join(", "),
            related.join(", "),
        );
        let general = files
            .iter_mut()
            .find(|(name, _)| name == "entries/general.toml")
            .expect("entries/general.toml");
        general.1.push_str(&entry);
        KnowledgeBase::from_files(files, "test".into())
            .expect("the huge entry is within every limit")
    }

    #[test]
    fn an_entry_at_every_limit_still_fits_without_cutting_links() {
        let kb = base_with_a_huge_entry();
        let bot = Bot::new(kb).expect("it compiles");
        let kb = bot.knowledge();
        let shown = bot.show("huge").expect("the huge entry");
        let rendered = reply(&shown, kb);
        assert_eq!(rendered.problems(), Vec::<String>::new());
        for card in &rendered.cards {
            let text = format!("{card:?}");
            // Every link that appears is whole.
            for (at, _) in text.match_indices("](") {
                let rest = &text[at + 2..];
                let end = rest.find(')').expect("a closed link");
                assert!(rest[..end].starts_with("https://"), "{}", &rest[..end]);
            }
        }
        let buttons: usize = rendered
            .rows
            .iter()
            .map(|row| match row {
                Row::Buttons(buttons) => buttons.len(),
                Row::Select(_) => 0,
            })
            .sum();
        assert_eq!(buttons, MAX_RELATED);
    }
}
