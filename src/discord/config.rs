//! The Discord bot's settings, read from the environment (and `.env`, which `main` loads first).
//!
//! Every value is checked here, before anything connects, so a typo stops start-up with a
//! message that names the variable and says what belongs in it, instead of surfacing later as
//! a bot that is online but silent. Empty values count as unset, so a copied `.env.example`
//! with blank optional lines works as it is.

use std::time::Duration;

/// How long a user waits between two answers to mentions or auto-answered messages, unless
/// `COOLDOWN_SECONDS` says otherwise: long enough to stop a flood, short enough not to stand in
/// the way of a follow-up question.
pub const DEFAULT_COOLDOWN: Duration = Duration::from_secs(10);

/// The longest cooldown accepted: beyond an hour the bot would look broken, not polite.
const MAX_COOLDOWN_SECONDS: u64 = 3_600;

/// The slowest purge accepted: retentions are whole days, so a purge at least daily keeps
/// "kept N days" true; a slower one would keep questions and vote hashes past their time.
const MAX_PURGE_EVERY_SECONDS: u64 = 24 * 60 * 60;

/// Where a bot's token is found, for every message that asks for one.
const TOKEN_HELP: &str = "Copy it from the Discord Developer Portal (https://discord.com/developers/applications -> your application -> Bot -> Reset Token) and put it in DISCORD_TOKEN, e.g. in .env (see .env.example).";

/// Where ids are found, for the messages about them.
const ID_HELP: &str = "In Discord, switch on Settings -> Advanced -> Developer Mode, then right-click the server or channel and choose Copy ID.";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("DISCORD_TOKEN is not set. {TOKEN_HELP}")]
    MissingToken,
    #[error("DISCORD_TOKEN does not look like a bot token (three parts separated by dots, no spaces). {TOKEN_HELP}")]
    MalformedToken,
    #[error(
        "{var} is not valid UTF-8 text. Set it again by typing the value rather than pasting it."
    )]
    NotUnicode { var: &'static str },
    #[error("DISCORD_GUILD_ID is {value:?}, not a server id. Put the numeric id of the server to register the commands in for trying the bot out (they appear there at once), or leave it empty to register them globally. {ID_HELP}")]
    GuildId { value: String },
    #[error("AUTO_ANSWER_CHANNELS holds {item:?}, which is not a channel id. Put the numeric ids of the channels where the bot may answer without a mention, separated by commas, or leave it empty. {ID_HELP}")]
    Channel { item: String },
    #[error("COOLDOWN_SECONDS is {value:?}. Put a whole number of seconds from 0 (no cooldown) to {MAX_COOLDOWN_SECONDS}, or leave it empty for the default of {} seconds.", DEFAULT_COOLDOWN.as_secs())]
    Cooldown { value: String },
    #[error("SUPPORT_LINE has {0} characters; at most 300 fit under a crisis or urgent reply. Shorten it, or link to a page that says more.")]
    SupportLine(usize),
    #[error("DATABASE_URL is {value:?}. Leave it empty for a SQLite file calcibot.db in the working directory, or put sqlite://PATH, or postgres://USER:PASSWORD@HOST:PORT/DATABASE for several processes.")]
    Database { value: String },
    #[error("SHARDS is {value:?}. Put the shards this process runs as FIRST-LAST/TOTAL, like 0-3/8 (shards 0 to 3 of 8), or leave it empty to run every shard Discord recommends in this one process.")]
    Shards { value: String },
    #[error("MESSAGE_CONTENT is {value:?}. Put on (ask Discord for the privileged Message Content intent, so auto-answer channels that moderators add with /settings can be read; switch it on in the Developer Portal too) or off, or leave it empty: on exactly when AUTO_ANSWER_CHANNELS is set.")]
    MessageContent { value: String },
    #[error("REGISTER_COMMANDS is {value:?}. Put on (register the commands when connecting, for a single process) or off (when `calcibot register` does it once for several processes).")]
    Register { value: String },
    #[error("PURGE_EVERY_SECONDS is {value:?}. Put how often, in seconds, the data past its retention is deleted, from 1 to {MAX_PURGE_EVERY_SECONDS} (daily), or leave it empty for the default of every {} hours.", crate::storage::DEFAULT_PURGE_EVERY.as_secs() / 3600)]
    PurgeEvery { value: String },
    #[error("DISCORD_HTTP_PROXY is {value:?}. Put the base URL of an HTTP proxy for the Discord API, like http://127.0.0.1:8080 (it stands in for https://discord.com in every request), or leave it empty to talk to Discord directly.")]
    Proxy { value: String },
}

/// The settings of `calcibot serve`.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// The bot's token; never logged or shown (see the `Debug` impl).
    pub token: String,
    /// Register the commands in this server only (instant, for trying out); globally if `None`.
    pub guild: Option<u64>,
    /// Channels where the bot answers confident questions without being mentioned.
    pub auto_answer: Vec<u64>,
    /// The per-user wait between answers to mentions, DMs and auto-answers; zero turns it off.
    pub cooldown: Duration,
    /// An HTTP proxy standing in for `https://discord.com`; serenity's rate limiter is off
    /// when it is set, since such a proxy owns the rate limits.
    pub http_proxy: Option<String>,
    /// The database of settings and counts (`DATABASE_URL`; a SQLite file when unset).
    pub database: String,
    /// The support line shown under crisis and urgent replies in servers that set none.
    pub support_line: Option<String>,
    /// The shards this process runs (`SHARDS`); all of them, chosen by Discord, when `None`.
    pub shards: Option<ShardRange>,
    /// Whether to register the commands on READY (`REGISTER_COMMANDS`, on by default).
    pub register: bool,
    /// Whether to ask for the Message Content intent (`MESSAGE_CONTENT`; by default exactly
    /// when `AUTO_ANSWER_CHANNELS` is set).
    pub message_content: bool,
    /// How often the data past its retention is deleted (`PURGE_EVERY_SECONDS`; every 6 hours
    /// by default). Operators have no reason to change it; it lets the end-to-end tests see
    /// the purge of a running `serve` happen without waiting hours.
    pub purge_every: Duration,
}

/// A range of shards, `first..=last` of `total`: the part of the bot one process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl ShardRange {
    /// Reads `FIRST-LAST/TOTAL` (or `N/TOTAL` for one shard).
    pub fn parse(value: &str) -> Option<ShardRange> {
        let (range, total) = value.split_once('/')?;
        let (first, last) = range.split_once('-').unwrap_or((range, range));
        let number = |s: &str| {
            let s = s.trim();
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        let (first, last, total) = (number(first)?, number(last)?, number(total)?);
        (first <= last && last < total).then_some(ShardRange { first, last, total })
    }

    /// Whether this process runs the shard that Discord routes `guild` to.
    pub fn holds(&self, guild: u64) -> bool {
        let shard = ((guild >> 22) % u64::from(self.total)) as u32;
        (self.first..=self.last).contains(&shard)
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("token", &"<hidden>")
            .field("guild", &self.guild)
            .field("auto_answer", &self.auto_answer)
            .field("cooldown", &self.cooldown)
            .field("http_proxy", &self.http_proxy)
            .field("database", &crate::storage::redact(&self.database))
            .field("support_line", &self.support_line.is_some())
            .field("shards", &self.shards)
            .field("register", &self.register)
            .field("message_content", &self.message_content)
            .field("purge_every", &self.purge_every)
            .finish()
    }
}

impl Config {
    /// The settings from the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|var| match std::env::var(var) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(()),
        })
    }

    /// The settings from `lookup`, which returns a variable's value, `None` when it is unset,
    /// or `Err` when it is not text. Tests and tools build a `Config` through this.
    pub fn from_lookup<F>(lookup: F) -> Result<Config, ConfigError>
    where
        F: Fn(&'static str) -> Result<Option<String>, ()>,
    {
        let get = |var: &'static str| -> Result<Option<String>, ConfigError> {
            let value = lookup(var).map_err(|()| ConfigError::NotUnicode { var })?;
            Ok(value
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty()))
        };
        let token = parse_token(get("DISCORD_TOKEN")?)?;
        let guild = get("DISCORD_GUILD_ID")?
            .map(|value| parse_id(&value).ok_or(ConfigError::GuildId { value }))
            .transpose()?;
        let auto_answer = get("AUTO_ANSWER_CHANNELS")?
            .map(|value| parse_channels(&value))
            .transpose()?
            .unwrap_or_default();
        let cooldown = get("COOLDOWN_SECONDS")?
            .map(|value| parse_cooldown(&value))
            .transpose()?
            .unwrap_or(DEFAULT_COOLDOWN);
        let http_proxy = get("DISCORD_HTTP_PROXY")?
            .map(|value| parse_proxy(&value))
            .transpose()?;
        let database = match get("DATABASE_URL")? {
            Some(value) => match crate::storage::Backend::of(&value) {
                Ok(_) => value,
                Err(_) => return Err(ConfigError::Database { value }),
            },
            None => crate::storage::DEFAULT_DATABASE.to_string(),
        };
        let support_line = get("SUPPORT_LINE")?;
        if let Some(n) = support_line
            .as_ref()
            .map(|l| l.chars().count())
            .filter(|&n| n > crate::storage::settings::MAX_SUPPORT_LINE_CHARS)
        {
            return Err(ConfigError::SupportLine(n));
        }
        let shards = get("SHARDS")?
            .map(|value| ShardRange::parse(&value).ok_or(ConfigError::Shards { value }))
            .transpose()?;
        let register = switch(get("REGISTER_COMMANDS")?)
            .map_err(|value| ConfigError::Register { value })?
            .unwrap_or(true);
        let message_content = switch(get("MESSAGE_CONTENT")?)
            .map_err(|value| ConfigError::MessageContent { value })?
            .unwrap_or(!auto_answer.is_empty());
        let purge_every = get("PURGE_EVERY_SECONDS")?
            .map(|value| parse_purge_every(&value))
            .transpose()?
            .unwrap_or(crate::storage::DEFAULT_PURGE_EVERY);
        Ok(Config {
            token,
            guild,
            auto_answer,
            cooldown,
            http_proxy,
            database,
            support_line,
            shards,
            register,
            message_content,
            purge_every,
        })
    }

    /// Whether the privileged message content intent is needed: only auto-answer channels
    /// read messages that do not mention the bot.
    pub fn needs_message_content(&self) -> bool {
        self.message_content
    }
}

/// An on/off value: `Ok(None)` when unset, `Err(value)` when it is neither.
fn switch(value: Option<String>) -> Result<Option<bool>, String> {
    match value.map(|v| v.to_ascii_lowercase()) {
        None => Ok(None),
        Some(v) if matches!(v.as_str(), "on" | "true" | "yes" | "1") => Ok(Some(true)),
        Some(v) if matches!(v.as_str(), "off" | "false" | "no" | "0") => Ok(Some(false)),
        Some(value) => Err(value),
    }
}

fn parse_token(value: Option<String>) -> Result<String, ConfigError> {
    let token = value.ok_or(ConfigError::MissingToken)?;
    // People paste the token with the quotes of a JSON file or the "Bot " of a header.
    let token = token.trim_matches(|c| c == '"' || c == '\'');
    let token = token.strip_prefix("Bot ").unwrap_or(token);
    let well_formed = serenity::utils::token::validate(token).is_ok()
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if well_formed {
        Ok(token.to_string())
    } else {
        Err(ConfigError::MalformedToken)
    }
}

/// A Discord id (a snowflake): digits, never zero.
fn parse_id(value: &str) -> Option<u64> {
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse::<u64>().ok().filter(|&id| id != 0)
}

fn parse_channels(value: &str) -> Result<Vec<u64>, ConfigError> {
    let mut ids = Vec::new();
    for item in value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
    {
        let id = parse_id(item).ok_or_else(|| ConfigError::Channel {
            item: item.to_string(),
        })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn parse_cooldown(value: &str) -> Result<Duration, ConfigError> {
    value
        .parse::<u64>()
        .ok()
        .filter(|&s| s <= MAX_COOLDOWN_SECONDS)
        .map(Duration::from_secs)
        .ok_or_else(|| ConfigError::Cooldown {
            value: value.to_string(),
        })
}

fn parse_purge_every(value: &str) -> Result<Duration, ConfigError> {
    value
        .parse::<u64>()
        .ok()
        .filter(|s| (1..=MAX_PURGE_EVERY_SECONDS).contains(s))
        .map(Duration::from_secs)
        .ok_or_else(|| ConfigError::PurgeEvery {
            value: value.to_string(),
        })
}

/// serenity replaces `https://discord.com` with the proxy text in every URL, so the proxy
/// must be a bare base URL: a trailing slash would double the one that follows.
fn parse_proxy(value: &str) -> Result<String, ConfigError> {
    let base = value.trim_end_matches('/');
    let rest = base
        .strip_prefix("http://")
        .or_else(|| base.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(base.to_string())
        }
        _ => Err(ConfigError::Proxy {
            value: value.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|var| Ok(vars.iter().find(|(k, _)| k == var).map(|(_, v)| v.clone())))
    }

    #[test]
    fn defaults_with_only_a_token() {
        let c = config(&[("DISCORD_TOKEN", TOKEN)]).unwrap();
        assert_eq!(c.token, TOKEN);
        assert_eq!(c.guild, None);
        assert!(c.auto_answer.is_empty());
        assert!(!c.needs_message_content());
        assert_eq!(c.cooldown, DEFAULT_COOLDOWN);
        assert_eq!(c.http_proxy, None);
        assert_eq!(c.purge_every, crate::storage::DEFAULT_PURGE_EVERY);
    }

    #[test]
    fn reads_every_variable() {
        let c = config(&[
            ("DISCORD_TOKEN", &format!("  \"Bot {TOKEN}\" ")),
            ("DISCORD_GUILD_ID", "123456789012345678"),
            ("AUTO_ANSWER_CHANNELS", "111, 222 333,,111"),
            ("COOLDOWN_SECONDS", "0"),
            ("DISCORD_HTTP_PROXY", "http://127.0.0.1:8080/"),
            ("PURGE_EVERY_SECONDS", "2"),
        ])
        .unwrap();
        assert_eq!(c.purge_every, Duration::from_secs(2));
        assert_eq!(c.token, TOKEN);
        assert_eq!(c.guild, Some(123456789012345678));
        assert_eq!(c.auto_answer, vec![111, 222, 333]);
        assert!(c.needs_message_content());
        assert_eq!(c.cooldown, Duration::ZERO);
        assert_eq!(c.http_proxy.as_deref(), Some("http://127.0.0.1:8080"));
    }

    #[test]
    fn empty_values_are_unset() {
        let c = config(&[
            ("DISCORD_TOKEN", TOKEN),
            ("DISCORD_GUILD_ID", ""),
            ("AUTO_ANSWER_CHANNELS", " "),
            ("COOLDOWN_SECONDS", ""),
            ("DISCORD_HTTP_PROXY", ""),
        ])
        .unwrap();
        assert_eq!(c.guild, None);
        assert!(c.auto_answer.is_empty());
        assert_eq!(c.cooldown, DEFAULT_COOLDOWN);
    }

    #[test]
    fn names_the_variable_and_what_to_put_there() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[], "DISCORD_TOKEN is not set"),
            (
                &[("DISCORD_TOKEN", "hunter2")],
                "DISCORD_TOKEN does not look",
            ),
            (
                &[("DISCORD_TOKEN", "a.b c.d")],
                "DISCORD_TOKEN does not look",
            ),
            (
                &[("DISCORD_TOKEN", TOKEN), ("DISCORD_GUILD_ID", "my server")],
                "DISCORD_GUILD_ID",
            ),
            (
                &[
                    ("DISCORD_TOKEN", TOKEN),
                    ("AUTO_ANSWER_CHANNELS", "123,#help"),
                ],
                "AUTO_ANSWER_CHANNELS holds \"#help\"",
            ),
            (
                &[("DISCORD_TOKEN", TOKEN), ("COOLDOWN_SECONDS", "-5")],
                "COOLDOWN_SECONDS",
            ),
            (
                &[("DISCORD_TOKEN", TOKEN), ("COOLDOWN_SECONDS", "99999")],
                "COOLDOWN_SECONDS",
            ),
            (
                &[
                    ("DISCORD_TOKEN", TOKEN),
                    ("DISCORD_HTTP_PROXY", "127.0.0.1:80"),
                ],
                "DISCORD_HTTP_PROXY",
            ),
            (
                &[("DISCORD_TOKEN", TOKEN), ("PURGE_EVERY_SECONDS", "0")],
                "PURGE_EVERY_SECONDS",
            ),
            (
                &[("DISCORD_TOKEN", TOKEN), ("PURGE_EVERY_SECONDS", "86401")],
                "PURGE_EVERY_SECONDS",
            ),
        ];
        for (vars, expected) in cases {
            let err = config(vars).unwrap_err().to_string();
            assert!(err.contains(expected), "{err:?} lacks {expected:?}");
        }
        let err = config(&[]).unwrap_err().to_string();
        assert!(err.contains("Developer Portal"), "{err}");
    }

    #[test]
    fn reads_shard_ranges() {
        let r = ShardRange::parse("0-3/8").unwrap();
        assert_eq!((r.first, r.last, r.total), (0, 3, 8));
        assert_eq!(ShardRange::parse("1/2").unwrap().first, 1);
        for bad in ["", "3-1/8", "0-8/8", "a-b/c", "0-1", "-1/2"] {
            assert_eq!(ShardRange::parse(bad), None, "{bad:?}");
        }
        // Discord's formula: (guild_id >> 22) % total.
        let guild = 5u64 << 22;
        assert!(ShardRange::parse("1-1/2").unwrap().holds(guild));
        assert!(!ShardRange::parse("0-0/2").unwrap().holds(guild));
        let c = config(&[("DISCORD_TOKEN", TOKEN), ("SHARDS", "0-0/2")]).unwrap();
        assert_eq!(c.shards, ShardRange::parse("0/2"));
        assert!(c.register);
        assert_eq!(c.database, crate::storage::DEFAULT_DATABASE);
        assert!(config(&[("DISCORD_TOKEN", TOKEN), ("SHARDS", "2/2")]).is_err());
        let c = config(&[("DISCORD_TOKEN", TOKEN), ("MESSAGE_CONTENT", "on")]).unwrap();
        assert!(c.needs_message_content());
        assert!(config(&[("DISCORD_TOKEN", TOKEN), ("MESSAGE_CONTENT", "maybe")]).is_err());
        assert!(config(&[("DISCORD_TOKEN", TOKEN), ("DATABASE_URL", "mysql://x")]).is_err());
    }

    #[test]
    fn never_shows_the_token() {
        let c = config(&[("DISCORD_TOKEN", TOKEN)]).unwrap();
        assert!(!format!("{c:?}").contains("GaBcDe"));
    }
}
