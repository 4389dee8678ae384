//! The questions the bot could not answer, kept for servers that opted in, so that moderators
//! and curators can see what the knowledge base lacks.
//!
//! What is kept is the question's text with mentions stripped, the reply kind, the day and the
//! entry it came closest to; never who asked or where. It is deleted after the server's
//! retention (at most 30 days), when the server turns the list off, and by `forget`.

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use super::{db_id, Day, StorageError, Store, RETENTION_DAYS};
use crate::ReplyKind;

/// The longest question kept: enough for any real question, not for a pasted document.
pub const MAX_QUESTION_CHARS: usize = 500;

/// One kept question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    /// For deleting it.
    pub id: i64,
    pub day: Day,
    /// `no_match` or `clarify`.
    pub kind: ReplyKind,
    pub text: String,
    /// The entry the question came closest to, if any.
    pub closest: Option<String>,
}

/// One page of a server's questions, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionPage {
    pub questions: Vec<Question>,
    /// Counting from 0.
    pub page: u32,
    pub pages: u32,
    pub total: u64,
}

/// The text as it is kept: user, role and channel mentions and `@everyone`/`@here` removed
/// (they name people and places, and mean nothing to a curator), spaces collapsed, and cut to
/// [`MAX_QUESTION_CHARS`].
pub fn clean(text: &str) -> String {
    static MENTION: OnceLock<Regex> = OnceLock::new();
    let mention = MENTION.get_or_init(|| {
        Regex::new(r"<(?:@[!&]?|#)[0-9]+>|(?:^|\s)@(?:everyone|here)\b")
            .expect("the mention pattern compiles")
    });
    let stripped = mention.replace_all(text, " ");
    let words: Vec<&str> = stripped.split_whitespace().collect();
    words.join(" ").chars().take(MAX_QUESTION_CHARS).collect()
}

/// `ReplyKind` from the name the database holds.
pub(super) fn kind_named(name: &str) -> Result<ReplyKind, StorageError> {
    use ReplyKind::*;
    [Answer, Clarify, NoMatch, Urgent, Crisis, Smalltalk]
        .into_iter()
        .find(|k| k.as_str() == name)
        .ok_or_else(|| StorageError::Corrupt(format!("reply kind {name:?}")))
}

type Row = (i64, i64, String, String, String);

fn question((id, day, kind, text, closest): Row) -> Result<Question, StorageError> {
    Ok(Question {
        id,
        day: Day::from_number(day),
        kind: kind_named(&kind)?,
        text,
        closest: Some(closest).filter(|c| !c.is_empty()),
    })
}

impl Store {
    /// Page `page` (from 0) of `server`'s kept questions, `per_page` to a page, newest first.
    pub async fn unanswered_page(
        &self,
        server: u64,
        page: u32,
        per_page: u32,
    ) -> Result<QuestionPage, StorageError> {
        let per_page = per_page.max(1);
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM unanswered WHERE server_id = $1")
            .bind(db_id(server))
            .fetch_one(self.pool())
            .await?;
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, day, kind, text, closest FROM unanswered WHERE server_id = $1
             ORDER BY id DESC LIMIT $2 OFFSET $3",
        )
        .bind(db_id(server))
        .bind(i64::from(per_page))
        .bind(i64::from(page) * i64::from(per_page))
        .fetch_all(self.pool())
        .await?;
        let total = total.max(0) as u64;
        Ok(QuestionPage {
            questions: rows.into_iter().map(question).collect::<Result<_, _>>()?,
            page,
            pages: total.div_ceil(u64::from(per_page)) as u32,
            total,
        })
    }

    /// Deletes one of `server`'s questions; `false` if it was already gone (or is another
    /// server's: a moderator can only delete their own server's).
    pub async fn delete_unanswered(&self, server: u64, id: i64) -> Result<bool, StorageError> {
        let done = sqlx::query("DELETE FROM unanswered WHERE server_id = $1 AND id = $2")
            .bind(db_id(server))
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Every server's questions from `since` on, oldest first, without saying whose: what a
    /// curator reads in `calcibot report`.
    pub async fn unanswered_since(&self, since: Day) -> Result<Vec<Question>, StorageError> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, day, kind, text, closest FROM unanswered WHERE day >= $1 ORDER BY day, id",
        )
        .bind(since.number())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(question).collect()
    }
}

/// Deletes the questions older than their server's retention, or all of a server's when it has
/// the list off. A retention above [`RETENTION_DAYS`] (only a hand-edited database has one)
/// counts as that.
pub(super) async fn purge(store: &Store, today: Day) -> Result<u64, StorageError> {
    let done = sqlx::query(
        "DELETE FROM unanswered WHERE day <= $1 - COALESCE(
           (SELECT CASE WHEN s.unanswered_days > $2 THEN $2 ELSE s.unanswered_days END
            FROM server_settings s
            WHERE s.server_id = unanswered.server_id AND s.unanswered_on = 1), 0)",
    )
    .bind(today.number())
    .bind(i64::from(RETENTION_DAYS))
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_mentions_and_collapses_spaces() {
        assert_eq!(
            clean(
                "<@123456> hey <@!99>  can  <@&77> calcinosis spread to <#4242>? @everyone @here"
            ),
            "hey can calcinosis spread to ?"
        );
        assert_eq!(clean("  \n "), "");
        assert_eq!(
            clean(&"a".repeat(2_000)).chars().count(),
            MAX_QUESTION_CHARS
        );
        assert_eq!(clean("mail me at x@here.org"), "mail me at x@here.org");
    }

    #[test]
    fn reads_back_every_kind() {
        for kind in [ReplyKind::NoMatch, ReplyKind::Clarify, ReplyKind::Crisis] {
            assert_eq!(kind_named(kind.as_str()).unwrap(), kind);
        }
        assert!(kind_named("maybe").is_err());
    }
}
