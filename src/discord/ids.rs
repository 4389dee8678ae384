//! The custom ids of the bot's buttons and menus: the one protocol between the messages the
//! renderer builds and the click handler that reads them back, so both use this type and
//! neither spells the strings.
//!
//! The text form is stable (`calcibot:show:<entry id>`, `calcibot:theme`, `calcibot:pick:<n>`):
//! buttons on messages sent by an older version still work after an upgrade.

use std::fmt;

use super::message::limits;

const SHOW: &str = "calcibot:show:";
const THEME: &str = "calcibot:theme";
const PICK: &str = "calcibot:pick:";
const HELPFUL: &str = "calcibot:vote:y:";
const NOT_HELPFUL: &str = "calcibot:vote:n:";
const UNANSWERED_PAGE: &str = "calcibot:unanswered:page:";
const UNANSWERED_DELETE: &str = "calcibot:unanswered:delete:";
const FORGET: &str = "calcibot:settings:forget";

/// What a button or menu does when used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentId {
    /// A button that shows an entry (a related topic, a clarify choice).
    Show(String),
    /// The theme menu of `/topics`; its values are theme ids.
    Theme,
    /// The `n`th entry menu of a theme page; its values are entry ids.
    Pick(usize),
    /// "Helpful" (`helpful`) or "Not helpful" under an answer showing `entry`.
    Vote { helpful: bool, entry: String },
    /// `/unanswered`: the page with this number, counting from 0 (the newest questions).
    UnansweredPage(i64),
    /// `/unanswered`: delete the question with this id.
    UnansweredDelete(i64),
    /// `/settings forget`: the confirm button.
    Forget,
}

impl ComponentId {
    /// The button showing `entry_id`, if its id fits Discord's 100 characters.
    pub fn show(entry_id: &str) -> Option<ComponentId> {
        let id = ComponentId::Show(entry_id.to_string());
        (id.chars() <= limits::CUSTOM_ID).then_some(id)
    }

    /// A vote button for `entry_id`, if its id fits Discord's 100 characters.
    pub fn vote(entry_id: &str, helpful: bool) -> Option<ComponentId> {
        let id = ComponentId::Vote {
            helpful,
            entry: entry_id.to_string(),
        };
        (id.chars() <= limits::CUSTOM_ID).then_some(id)
    }

    /// Reads a custom id; `None` for one this bot never made.
    pub fn parse(text: &str) -> Option<ComponentId> {
        for (prefix, helpful) in [(HELPFUL, true), (NOT_HELPFUL, false)] {
            if let Some(entry) = text.strip_prefix(prefix) {
                return (!entry.is_empty()).then(|| ComponentId::Vote {
                    helpful,
                    entry: entry.to_string(),
                });
            }
        }
        if let Some(n) = text.strip_prefix(UNANSWERED_PAGE) {
            return number(n).map(ComponentId::UnansweredPage);
        }
        if let Some(n) = text.strip_prefix(UNANSWERED_DELETE) {
            return number(n).map(ComponentId::UnansweredDelete);
        }
        if text == FORGET {
            return Some(ComponentId::Forget);
        }
        if let Some(entry) = text.strip_prefix(SHOW) {
            return (!entry.is_empty()).then(|| ComponentId::Show(entry.to_string()));
        }
        if text == THEME {
            return Some(ComponentId::Theme);
        }
        number(text.strip_prefix(PICK)?).map(ComponentId::Pick)
    }

    /// The length of the text form in characters, as Discord counts it.
    pub fn chars(&self) -> usize {
        self.to_string().chars().count()
    }
}

/// Digits only: `from_str` would take a leading `+` too.
fn number<T: std::str::FromStr>(n: &str) -> Option<T> {
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

impl fmt::Display for ComponentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComponentId::Show(entry) => write!(f, "{SHOW}{entry}"),
            ComponentId::Theme => f.write_str(THEME),
            ComponentId::Pick(n) => write!(f, "{PICK}{n}"),
            ComponentId::Vote {
                helpful: true,
                entry,
            } => write!(f, "{HELPFUL}{entry}"),
            ComponentId::Vote {
                helpful: false,
                entry,
            } => write!(f, "{NOT_HELPFUL}{entry}"),
            ComponentId::UnansweredPage(n) => write!(f, "{UNANSWERED_PAGE}{n}"),
            ComponentId::UnansweredDelete(n) => write!(f, "{UNANSWERED_DELETE}{n}"),
            ComponentId::Forget => f.write_str(FORGET),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KnowledgeBase;

    #[test]
    fn every_id_reads_back_as_itself() {
        for id in [
            ComponentId::Show("what-is".into()),
            ComponentId::Theme,
            ComponentId::Pick(0),
            ComponentId::Pick(4),
            ComponentId::Vote {
                helpful: true,
                entry: "what-is".into(),
            },
            ComponentId::Vote {
                helpful: false,
                entry: "what-is".into(),
            },
            ComponentId::UnansweredPage(0),
            ComponentId::UnansweredDelete(i64::MAX),
            ComponentId::Forget,
        ] {
            assert_eq!(ComponentId::parse(&id.to_string()), Some(id));
        }
        for foreign in [
            "",
            "calcibot:show:",
            "calcibot:pick:",
            "calcibot:pick:+1",
            "calcibot:vote:y:",
            "calcibot:unanswered:delete:-1",
            "other:theme",
        ] {
            assert_eq!(ComponentId::parse(foreign), None, "{foreign:?}");
        }
    }

    #[test]
    fn every_entry_gets_a_button_id_within_discords_limit() {
        let kb = KnowledgeBase::builtin().expect("the built-in base loads");
        for entry in &kb.entries {
            let id = ComponentId::show(&entry.id)
                .unwrap_or_else(|| panic!("{}: the id is too long for a button", entry.id));
            assert!(id.chars() <= limits::CUSTOM_ID, "{id}");
            assert_eq!(ComponentId::parse(&id.to_string()), Some(id));
            for helpful in [true, false] {
                let vote = ComponentId::vote(&entry.id, helpful)
                    .unwrap_or_else(|| panic!("{}: the id is too long for a vote", entry.id));
                assert_eq!(ComponentId::parse(&vote.to_string()), Some(vote));
            }
        }
        for id in [
            ComponentId::UnansweredPage(i64::MAX),
            ComponentId::UnansweredDelete(i64::MAX),
            ComponentId::Forget,
        ] {
            assert!(id.chars() <= limits::CUSTOM_ID, "{id}");
        }
        for n in 0..limits::ROWS {
            assert!(ComponentId::Pick(n).chars() <= limits::CUSTOM_ID);
        }
        assert!(ComponentId::show(&"x".repeat(limits::CUSTOM_ID)).is_none());
    }
}
