//! The figures of `/stats` (one server) and `calcibot report` (every server): questions per
//! day, the entries answered most, how helpful each was found, and the counts of the replies
//! that matter for safety and coverage. All from counts; no message text.

use serde::Serialize;

use super::{db_id, Day, StorageError, Store};
use crate::ReplyKind;

/// The longest span asked for: a year of days is what a chart can still show.
pub const MAX_DAYS: u32 = 366;

/// How many entries "top entries" lists.
pub const TOP_ENTRIES: usize = 10;

/// Whose figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Server(u64),
    All,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The first and last day counted (both included).
    pub from: Day,
    pub to: Day,
    /// Servers with any question in the span.
    pub servers: u64,
    /// Every day of the span, with the questions asked (every reply but small talk).
    pub per_day: Vec<DayCount>,
    pub kinds: KindCounts,
    /// The entries answered most, most first.
    pub top_entries: Vec<EntryCount>,
    /// Votes per entry, for the entries that got any.
    pub feedback: Vec<EntryFeedback>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayCount {
    pub day: Day,
    pub questions: u64,
}

/// Replies of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    pub answer: u64,
    pub clarify: u64,
    pub no_match: u64,
    pub urgent: u64,
    pub crisis: u64,
    pub smalltalk: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryCount {
    pub entry: String,
    pub answers: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryFeedback {
    pub entry: String,
    pub helpful: u64,
    pub not_helpful: u64,
}

impl EntryFeedback {
    /// The share of votes that found it helpful, from 0 to 1.
    pub fn helpful_share(&self) -> f64 {
        let votes = self.helpful + self.not_helpful;
        if votes == 0 {
            0.0
        } else {
            self.helpful as f64 / votes as f64
        }
    }
}

impl Stats {
    pub fn questions(&self) -> u64 {
        self.per_day.iter().map(|d| d.questions).sum()
    }
}

impl KindCounts {
    /// Each kind with the words reports use for it, in the order they show them: answers
    /// first, small talk last.
    pub fn labelled(&self) -> [(&'static str, u64); 6] {
        [
            ("answered", self.answer),
            ("clarify", self.clarify),
            ("no match", self.no_match),
            ("urgent", self.urgent),
            ("crisis", self.crisis),
            ("small talk", self.smalltalk),
        ]
    }

    /// The kinds people asked about, small talk left out: "answered 3, clarify 1, ...".
    pub fn summary(&self) -> String {
        self.labelled()[..5]
            .iter()
            .map(|(label, n)| format!("{label} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn add(&mut self, kind: ReplyKind, n: u64) {
        let slot = match kind {
            ReplyKind::Answer => &mut self.answer,
            ReplyKind::Clarify => &mut self.clarify,
            ReplyKind::NoMatch => &mut self.no_match,
            ReplyKind::Urgent => &mut self.urgent,
            ReplyKind::Crisis => &mut self.crisis,
            ReplyKind::Smalltalk => &mut self.smalltalk,
        };
        *slot += n;
    }
}

impl Store {
    /// The figures of the `days` days up to `today` (1 to [`MAX_DAYS`]).
    pub async fn stats(&self, scope: Scope, days: u32, today: Day) -> Result<Stats, StorageError> {
        let days = days.clamp(1, MAX_DAYS);
        let from = today.minus(days - 1);
        let span = Span {
            from,
            to: today,
            scope,
        };
        let smalltalk = ReplyKind::Smalltalk.as_str();
        let per_day: Vec<(i64, i64)> = span
            .query(&format!(
                "SELECT day, CAST(SUM(count) AS BIGINT) FROM usage_counts
                 WHERE {} AND kind <> '{smalltalk}' GROUP BY day ORDER BY day",
                span.filter()
            ))
            .fetch_all(self.pool())
            .await?;
        let mut counts = per_day.into_iter().peekable();
        let mut days_counted = Vec::with_capacity(days as usize);
        for n in 0..days {
            let day = from.plus(n);
            let questions = match counts.peek() {
                Some(&(d, q)) if d == day.number() => {
                    counts.next();
                    q.max(0) as u64
                }
                _ => 0,
            };
            days_counted.push(DayCount { day, questions });
        }

        let mut kinds = KindCounts::default();
        let by_kind: Vec<(String, i64)> = span
            .query(&format!(
                "SELECT kind, CAST(SUM(count) AS BIGINT) FROM usage_counts WHERE {} GROUP BY kind",
                span.filter()
            ))
            .fetch_all(self.pool())
            .await?;
        for (kind, n) in by_kind {
            kinds.add(super::unanswered::kind_named(&kind)?, n.max(0) as u64);
        }

        let (answer, urgent) = (ReplyKind::Answer.as_str(), ReplyKind::Urgent.as_str());
        let top: Vec<(String, i64)> = span
            .query(&format!(
                "SELECT entry, CAST(SUM(count) AS BIGINT) AS n FROM usage_counts
                 WHERE {} AND entry <> '' AND kind IN ('{answer}', '{urgent}')
                 GROUP BY entry ORDER BY n DESC, entry LIMIT {TOP_ENTRIES}",
                span.filter()
            ))
            .fetch_all(self.pool())
            .await?;

        let feedback: Vec<(String, i64, i64)> = span
            .query(&format!(
                "SELECT entry, CAST(SUM(helpful) AS BIGINT), CAST(SUM(not_helpful) AS BIGINT)
                 FROM feedback_counts WHERE {} GROUP BY entry ORDER BY entry",
                span.filter()
            ))
            .fetch_all(self.pool())
            .await?;

        let servers: i64 = span
            .query_scalar(&format!(
                "SELECT COUNT(DISTINCT server_id) FROM usage_counts WHERE {}",
                span.filter()
            ))
            .fetch_one(self.pool())
            .await?;

        Ok(Stats {
            from,
            to: today,
            servers: servers.max(0) as u64,
            per_day: days_counted,
            kinds,
            top_entries: top
                .into_iter()
                .map(|(entry, n)| EntryCount {
                    entry,
                    answers: n.max(0) as u64,
                })
                .collect(),
            feedback: feedback
                .into_iter()
                .map(|(entry, h, n)| EntryFeedback {
                    entry,
                    helpful: h.max(0) as u64,
                    not_helpful: n.max(0) as u64,
                })
                .filter(|f| f.helpful + f.not_helpful > 0)
                .collect(),
        })
    }
}

/// The days and servers a query covers, as a `WHERE` clause and its bound values.
struct Span {
    from: Day,
    to: Day,
    scope: Scope,
}

impl Span {
    fn filter(&self) -> &'static str {
        match self.scope {
            Scope::Server(_) => "day >= $1 AND day <= $2 AND server_id = $3",
            Scope::All => "day >= $1 AND day <= $2",
        }
    }

    fn query<'q, T>(
        &self,
        sql: &'q str,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, T, sqlx::any::AnyArguments<'q>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let q = sqlx::query_as(sql)
            .bind(self.from.number())
            .bind(self.to.number());
        match self.scope {
            Scope::Server(server) => q.bind(db_id(server)),
            Scope::All => q,
        }
    }

    fn query_scalar<'q, T>(
        &self,
        sql: &'q str,
    ) -> sqlx::query::QueryScalar<'q, sqlx::Any, T, sqlx::any::AnyArguments<'q>>
    where
        (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let q = sqlx::query_scalar(sql)
            .bind(self.from.number())
            .bind(self.to.number());
        match self.scope {
            Scope::Server(server) => q.bind(db_id(server)),
            Scope::All => q,
        }
    }
}
