//! "Helpful" and "Not helpful" under an answer: the buttons, and what a click does.
//!
//! A click becomes a vote record keyed by a hash of (answer message, user) with the install's
//! secret (`storage::feedback`): one vote per person per answer, changeable, and no user id
//! stored. The click is acknowledged privately, so votes never show in the channel.

use super::ids::ComponentId;
use super::message::{Button, Row};
use super::State;
use crate::storage::{Day, Record, RecordError};

/// The feedback row for an answer showing `entry_id`; `None` if its ids would not fit.
pub fn row(entry_id: &str) -> Option<Row> {
    Some(Row::Buttons(vec![
        Button {
            id: ComponentId::vote(entry_id, true)?,
            label: "Helpful".to_string(),
            primary: false,
        },
        Button {
            id: ComponentId::vote(entry_id, false)?,
            label: "Not helpful".to_string(),
            primary: false,
        },
    ]))
}

/// A click on a vote button of the answer `message` in `server`, by `user`: records the vote
/// (without waiting) and returns the private acknowledgement.
pub fn vote(
    state: &State,
    server: Option<u64>,
    message: u64,
    user: u64,
    entry: &str,
    helpful: bool,
) -> &'static str {
    let (Some(server), Some(storage)) = (server, state.storage()) else {
        return "Thank you. Votes cannot be counted just now, so this one was not recorded.";
    };
    match Record::vote(
        &storage.store,
        server,
        message,
        user,
        entry,
        helpful,
        Day::today(),
    ) {
        Ok(record) => {
            state.record(record);
            if helpful {
                "Thank you: counted as helpful. Only the counts are kept, not who voted; the other button changes your vote."
            } else {
                "Thank you: counted as not helpful. Only the counts are kept, not who voted; the other button changes your vote."
            }
        }
        Err(RecordError::TooOldToVote) => {
            "This answer is more than 30 days old, so votes on it are no longer counted."
        }
        Err(_) => "Thank you. This vote could not be counted.",
    }
}
