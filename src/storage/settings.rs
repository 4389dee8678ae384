//! What a server chose, over the operator's defaults from `.env`.
//!
//! A server that set nothing has no row and gets the defaults; a server that set one thing gets
//! that one thing and the defaults for the rest, so a later change of `.env` still reaches
//! every value a server left alone.

use serde::Serialize;

use super::{db_id, from_db_id, Day, StorageError, Store, RETENTION_DAYS};

/// How long unanswered questions are kept when a server turns the list on without saying.
pub const DEFAULT_RETENTION_DAYS: u32 = 14;

/// The longest cooldown a server can set, as for `COOLDOWN_SECONDS`: beyond an hour the bot
/// would look broken, not polite.
pub const MAX_COOLDOWN_SECONDS: u32 = 3_600;

/// The longest support line: it goes under crisis and urgent replies, which must stay short.
pub const MAX_SUPPORT_LINE_CHARS: usize = 300;

/// The operator's values, from `.env`, for everything a server has not set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defaults {
    pub auto_answer: Vec<u64>,
    pub cooldown_seconds: u32,
    pub support_line: Option<String>,
}

/// A value, and whether the server chose it (or it is the operator's default): `/settings show`
/// says which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chosen<T> {
    pub value: T,
    pub by_server: bool,
}

/// A server's settings, resolved over the defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// Channels where confident questions are answered without a mention.
    pub auto_answer: Chosen<Vec<u64>>,
    pub cooldown_seconds: Chosen<u32>,
    /// Shown under crisis and urgent replies in this server.
    pub support_line: Chosen<Option<String>>,
    /// Whether questions the bot could not answer are kept for the moderators.
    pub unanswered: bool,
    /// How many days they are kept (at most [`RETENTION_DAYS`]).
    pub retention_days: u32,
}

impl Settings {
    /// The settings of a server that set nothing.
    pub fn defaults(defaults: &Defaults) -> Settings {
        Settings {
            auto_answer: Chosen {
                value: defaults.auto_answer.clone(),
                by_server: false,
            },
            cooldown_seconds: Chosen {
                value: defaults.cooldown_seconds,
                by_server: false,
            },
            support_line: Chosen {
                value: defaults.support_line.clone(),
                by_server: false,
            },
            unanswered: false,
            retention_days: DEFAULT_RETENTION_DAYS,
        }
    }
}

/// A value a moderator gave that cannot be stored, said so they can correct it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error("The cooldown can be 0 (none) to {MAX_COOLDOWN_SECONDS} seconds; {0} is too long.")]
    Cooldown(u32),
    #[error("The support line can be at most {MAX_SUPPORT_LINE_CHARS} characters; this one has {0}. Shorten it, or link to a page that says more.")]
    SupportLine(usize),
    #[error("Unanswered questions can be kept 1 to {RETENTION_DAYS} days; {0} is not allowed.")]
    Retention(u32),
}

/// Either a moderator's value was wrong or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Setting(#[from] SettingError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for ChangeError {
    fn from(err: sqlx::Error) -> ChangeError {
        ChangeError::Storage(StorageError::Query(err))
    }
}

type Row = (i64, Option<i64>, Option<String>, i64, i64);

impl Store {
    /// `server`'s settings over `defaults`.
    pub async fn settings(
        &self,
        server: u64,
        defaults: &Defaults,
    ) -> Result<Settings, StorageError> {
        let row: Option<Row> = sqlx::query_as(
            "SELECT auto_answer_own, cooldown_seconds, support_line, unanswered_on, unanswered_days
             FROM server_settings WHERE server_id = $1",
        )
        .bind(db_id(server))
        .fetch_optional(self.pool())
        .await?;
        let mut settings = Settings::defaults(defaults);
        let Some((auto_answer_own, cooldown, support_line, unanswered_on, days)) = row else {
            return Ok(settings);
        };
        if auto_answer_own != 0 {
            settings.auto_answer = Chosen {
                value: self.own_channels(server).await?,
                by_server: true,
            };
        }
        if let Some(seconds) = cooldown {
            settings.cooldown_seconds = Chosen {
                value: u32::try_from(seconds)
                    .map_err(|_| StorageError::Corrupt(format!("cooldown {seconds}")))?,
                by_server: true,
            };
        }
        if let Some(line) = support_line {
            settings.support_line = Chosen {
                value: Some(line),
                by_server: true,
            };
        }
        settings.unanswered = unanswered_on != 0;
        settings.retention_days = u32::try_from(days)
            .ok()
            .filter(|d| (1..=RETENTION_DAYS).contains(d))
            .ok_or_else(|| StorageError::Corrupt(format!("retention of {days} days")))?;
        Ok(settings)
    }

    async fn own_channels(&self, server: u64) -> Result<Vec<u64>, StorageError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT channel_id FROM auto_answer_channels WHERE server_id = $1 ORDER BY channel_id",
        )
        .bind(db_id(server))
        .fetch_all(self.pool())
        .await?;
        Ok(ids.into_iter().map(from_db_id).collect())
    }

    /// Adds (`answer == true`) or removes an auto-answer channel. The first change starts from
    /// the operator's list, so that adding a channel never quietly drops one `.env` named.
    pub async fn set_auto_answer(
        &self,
        server: u64,
        channel: u64,
        answer: bool,
        defaults: &Defaults,
    ) -> Result<Settings, StorageError> {
        let mut tx = self.pool().begin().await?;
        ensure_row(&mut tx, server).await?;
        let own: i64 =
            sqlx::query_scalar("SELECT auto_answer_own FROM server_settings WHERE server_id = $1")
                .bind(db_id(server))
                .fetch_one(&mut *tx)
                .await?;
        if own == 0 {
            for &default in &defaults.auto_answer {
                add_channel(&mut tx, server, default).await?;
            }
            sqlx::query("UPDATE server_settings SET auto_answer_own = 1 WHERE server_id = $1")
                .bind(db_id(server))
                .execute(&mut *tx)
                .await?;
        }
        if answer {
            add_channel(&mut tx, server, channel).await?;
        } else {
            sqlx::query(
                "DELETE FROM auto_answer_channels WHERE server_id = $1 AND channel_id = $2",
            )
            .bind(db_id(server))
            .bind(db_id(channel))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.settings(server, defaults).await
    }

    /// Sets the cooldown; `None` goes back to the operator's.
    pub async fn set_cooldown(
        &self,
        server: u64,
        seconds: Option<u32>,
        defaults: &Defaults,
    ) -> Result<Settings, ChangeError> {
        if let Some(s) = seconds.filter(|&s| s > MAX_COOLDOWN_SECONDS) {
            return Err(SettingError::Cooldown(s).into());
        }
        self.update(
            server,
            "UPDATE server_settings SET cooldown_seconds = $2 WHERE server_id = $1",
            |q| q.bind(seconds.map(i64::from)),
        )
        .await?;
        Ok(self.settings(server, defaults).await?)
    }

    /// Sets the support line (trimmed); `None` or a blank line goes back to the operator's.
    pub async fn set_support_line(
        &self,
        server: u64,
        line: Option<&str>,
        defaults: &Defaults,
    ) -> Result<Settings, ChangeError> {
        let line = line.map(str::trim).filter(|l| !l.is_empty());
        if let Some(chars) = line
            .map(|l| l.chars().count())
            .filter(|&n| n > MAX_SUPPORT_LINE_CHARS)
        {
            return Err(SettingError::SupportLine(chars).into());
        }
        let line = line.map(str::to_string);
        self.update(
            server,
            "UPDATE server_settings SET support_line = $2 WHERE server_id = $1",
            |q| q.bind(line),
        )
        .await?;
        Ok(self.settings(server, defaults).await?)
    }

    /// Turns the unanswered-question list on or off. `days` keeps its earlier value when
    /// `None`. Turning it off deletes the questions kept so far: off means nothing is kept.
    pub async fn set_unanswered(
        &self,
        server: u64,
        on: bool,
        days: Option<u32>,
        defaults: &Defaults,
    ) -> Result<Settings, ChangeError> {
        if let Some(d) = days.filter(|d| !(1..=RETENTION_DAYS).contains(d)) {
            return Err(SettingError::Retention(d).into());
        }
        let mut tx = self.pool().begin().await?;
        ensure_row(&mut tx, server).await?;
        sqlx::query(
            "UPDATE server_settings SET unanswered_on = $2,
             unanswered_days = COALESCE($3, unanswered_days) WHERE server_id = $1",
        )
        .bind(db_id(server))
        .bind(i64::from(on))
        .bind(days.map(i64::from))
        .execute(&mut *tx)
        .await?;
        if !on {
            sqlx::query("DELETE FROM unanswered WHERE server_id = $1")
                .bind(db_id(server))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(self.settings(server, defaults).await?)
    }

    /// Deletes everything stored for `server`, in every table ([`Store::SERVER_TABLES`]).
    /// The [`Recorder::forget`](super::Recorder::forget) wrapper also orders it after the
    /// records already on their way.
    pub async fn forget(&self, server: u64) -> Result<(), StorageError> {
        let mut tx = self.pool().begin().await?;
        for table in Store::SERVER_TABLES {
            sqlx::query(&format!("DELETE FROM {table} WHERE server_id = $1"))
                .bind(db_id(server))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Notes that the bot was removed from `server` on `day`: the daily purge deletes the
    /// server's data [`RETENTION_DAYS`] later, unless the bot is added back before.
    pub async fn server_removed(&self, server: u64, day: Day) -> Result<(), StorageError> {
        let mut tx = self.pool().begin().await?;
        ensure_row(&mut tx, server).await?;
        sqlx::query(
            "UPDATE server_settings SET removed_day = $2 WHERE server_id = $1 AND removed_day IS NULL",
        )
        .bind(db_id(server))
        .bind(day.number())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Notes that the bot is in `server` (again): its data is no longer scheduled for deletion.
    pub async fn server_present(&self, server: u64) -> Result<(), StorageError> {
        sqlx::query("UPDATE server_settings SET removed_day = NULL WHERE server_id = $1")
            .bind(db_id(server))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Runs `sql` (with `$1` the server id) after making sure the server has a row.
    async fn update<'q, F>(&self, server: u64, sql: &'q str, bind: F) -> Result<(), StorageError>
    where
        F: FnOnce(
            sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
        ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    {
        let mut tx = self.pool().begin().await?;
        ensure_row(&mut tx, server).await?;
        bind(sqlx::query(sql).bind(db_id(server)))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn ensure_row(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    server: u64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO server_settings (server_id) VALUES ($1) ON CONFLICT (server_id) DO NOTHING",
    )
    .bind(db_id(server))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn add_channel(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    server: u64,
    channel: u64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO auto_answer_channels (server_id, channel_id) VALUES ($1, $2)
         ON CONFLICT (server_id, channel_id) DO NOTHING",
    )
    .bind(db_id(server))
    .bind(db_id(channel))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
