//! The Discord front end: serenity for the connection and message events, poise for the
//! application commands.
//!
//! This layer stays thin. Handlers turn an event into a question (`events`, `commands`) and
//! hand it to the one answer path (`respond`): cut the question, ask the core, the auto-answer
//! gate, the cooldown, render, send. Everything that decides what to say lives in the core, so
//! Discord, the terminal chat and the CLI give the same answer.
//!
//! - `config`: the environment variables, checked before connecting.
//! - `events`: mentions, direct messages, auto-answer channels, and component clicks.
//! - `commands`: `/ask`, `/topic`, `/topics`, `/about`, `/help`, registered on READY.
//! - `respond`: the answer policy, once for every way of asking.
//! - `cooldown`: the per-user cooldown that keeps one person from filling a channel.
//! - `message`: the message model and Discord's limits; `reply`: a `Reply` as a message;
//!   `pages`: the bot's own pages; `ids`: the custom ids of buttons and menus.
//! - `send`: the one send path, with retries, and the conversion to what Discord reads.

pub mod commands;
pub mod config;
pub mod cooldown;
pub mod events;
pub mod feedback;
pub mod ids;
pub mod message;
pub mod moderators;
pub mod pages;
pub mod reply;
pub mod respond;
pub mod send;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serenity::all::{ClientBuilder, GatewayIntents, Http, HttpBuilder, UserId};
use serenity::gateway::GatewayError;
use serenity::http::HttpError;
use tokio::sync::watch;

use crate::storage::{
    self, Defaults, Open, Record, Recorder, Settings, SettingsCache, StorageError, Store,
    WriterOptions,
};
use crate::Bot;

pub use config::{Config, ConfigError, ShardRange};
pub use cooldown::Cooldown;

/// How long a message handler waits for READY to say who the bot is (normally no time at all:
/// READY is the first event).
const READY_WAIT: Duration = Duration::from_secs(10);

/// Where the Developer Portal's bot settings are, for error messages.
const PORTAL: &str = "https://discord.com/developers/applications";

/// Why the bot stopped or could not start.
#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error("Discord refused the token in DISCORD_TOKEN ({0}). It was mistyped, or reset since it was copied: open the Developer Portal ({PORTAL} -> your application -> Bot), press Reset Token, and put the new token in DISCORD_TOKEN.")]
    TokenRefused(&'static str),
    #[error("Discord refused the privileged Message Content intent (gateway close code 4014). AUTO_ANSWER_CHANNELS needs it to read messages that do not mention the bot. Switch it on in the Developer Portal ({PORTAL} -> your application -> Bot -> Privileged Gateway Intents -> Message Content Intent, then Save Changes; a verified bot in 100 or more servers needs Discord's approval first), or leave AUTO_ANSWER_CHANNELS empty: mentions, direct messages and slash commands work without it.")]
    IntentRefused,
    #[error("Discord rejected the gateway intents as invalid (gateway close code 4013). This is a bug in calcibot; please report it with the log above.")]
    InvalidIntents,
    #[error(
        "cannot reach the Discord API at {url}: {source}. Check the network connection{hint}."
    )]
    Unreachable {
        url: String,
        hint: &'static str,
        #[source]
        source: serenity::Error,
    },
    #[error("the Discord connection failed: {0}")]
    Other(#[source] serenity::Error),
}

/// What the handlers share: the core, the cooldown, the settings they act on, and who the bot
/// is once READY has said so.
#[derive(Debug)]
pub struct State {
    pub bot: Arc<Bot>,
    pub cooldown: Cooldown,
    /// The operator's auto-answer channels (`.env`), the default of every server.
    pub auto_answer: Vec<u64>,
    /// Each server's settings, over the operator's defaults; read without waiting.
    pub settings: SettingsCache,
    /// The database and its writer, once it could be opened; until then (or without one) the
    /// bot answers with the defaults and records nothing.
    storage: OnceLock<Storage>,
    /// Whether the Message Content intent was asked for: without it, auto-answer channels a
    /// moderator adds hear nothing.
    pub message_content: bool,
    /// Each server's auto-answer channels among the operator's, learnt from GUILD_CREATE.
    auto_by_guild: Mutex<HashMap<u64, Vec<u64>>>,
    /// The servers this process has seen, so settings can be loaded once the database is back.
    guilds: Mutex<HashSet<u64>>,
    /// How often the data past its retention is purged (`PURGE_EVERY_SECONDS`).
    purge_every: Duration,
    /// serenity's HTTP client, when its rate limiter is off (see `send`).
    direct: Option<reqwest::Client>,
    me: watch::Sender<Option<UserId>>,
}

impl State {
    /// `direct`: the client the `Http` was built with, when serenity's rate limiter is off.
    pub fn new(bot: Arc<Bot>, config: &Config, direct: Option<reqwest::Client>) -> State {
        let defaults = Defaults {
            auto_answer: config.auto_answer.clone(),
            cooldown_seconds: config.cooldown.as_secs() as u32,
            support_line: config.support_line.clone(),
        };
        State {
            bot,
            cooldown: Cooldown::new(config.cooldown),
            auto_answer: config.auto_answer.clone(),
            settings: SettingsCache::new(defaults),
            storage: OnceLock::new(),
            message_content: config.needs_message_content(),
            auto_by_guild: Mutex::new(HashMap::new()),
            guilds: Mutex::new(HashSet::new()),
            purge_every: config.purge_every,
            direct,
            me: watch::Sender::new(None),
        }
    }

    /// The one send path, on the connection's `http`.
    pub fn sender(&self, http: &Arc<Http>) -> send::Sender {
        send::Sender::new(Arc::clone(http), self.direct.clone())
    }

    /// The database and its writer, once open.
    pub fn storage(&self) -> Option<&Storage> {
        self.storage.get()
    }

    /// Uses `storage` from now on (once; a second call is ignored).
    pub fn attach(&self, storage: Storage) {
        let _ = self.storage.set(storage);
    }

    /// Hands `record` to the writer, without waiting; nothing when there is no database.
    pub fn record(&self, record: Record) {
        if let Some(storage) = self.storage() {
            storage.recorder.record(record);
        }
    }

    /// The settings of the server `guild` (the defaults in a DM).
    pub fn settings_in(&self, guild: Option<u64>) -> Arc<Settings> {
        self.settings.get(guild.unwrap_or(0))
    }

    /// The operator's defaults as they apply in `guild`: its own `.env` channels only, so that
    /// a moderator's first change starts from those and no other server's.
    pub fn defaults_in(&self, guild: u64) -> Defaults {
        Defaults {
            auto_answer: self.auto_answer_in(Some(guild)),
            ..self.settings.defaults().clone()
        }
    }

    /// Loads `guild`'s settings into the cache, in the background.
    pub fn load_settings(self: &Arc<Self>, guild: u64) {
        let Some(storage) = self.storage() else {
            return;
        };
        let store = storage.store.clone();
        let state = Arc::clone(self);
        tokio::spawn(async move {
            if let Err(err) = store.server_present(guild).await {
                tracing::debug!(%err, guild, "could not note the server as present");
            }
            if let Err(err) = state.settings.load(&store, guild).await {
                tracing::debug!(%err, guild, "could not load the server's settings; using the defaults");
            }
        });
    }

    /// Records which auto-answer channels belong to the server `guild`.
    pub fn learn_guild(&self, guild: u64, channels: impl Iterator<Item = u64>) {
        self.guilds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(guild);
        let mine: Vec<u64> = channels.filter(|c| self.auto_answer.contains(c)).collect();
        let mut known = self.auto_by_guild.lock().unwrap_or_else(|e| e.into_inner());
        if mine.is_empty() {
            known.remove(&guild);
        } else {
            known.insert(guild, mine);
        }
    }

    /// The bot left `guild` (not an outage): its data is deleted after 30 days.
    pub fn forget_guild(&self, guild: u64) {
        self.guilds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&guild);
        self.auto_by_guild
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&guild);
        self.settings.remove(guild);
    }

    /// The channels of `guild` where a message is answered without a mention: the ones its
    /// moderators chose, or else the operator's (channel ids are unique across servers, so
    /// the operator's whole list serves before GUILD_CREATE has said which are whose).
    pub fn answers_unasked_in(&self, guild: Option<u64>) -> std::borrow::Cow<'_, [u64]> {
        if let Some(g) = guild {
            let settings = self.settings.get(g);
            if settings.auto_answer.by_server {
                return std::borrow::Cow::Owned(settings.auto_answer.value.clone());
            }
        }
        std::borrow::Cow::Borrowed(&self.auto_answer)
    }

    /// The auto-answer channels of the server `guild`: the ones its moderators chose, or else
    /// the operator's that are in it (none for a DM or an unknown server).
    pub fn auto_answer_in(&self, guild: Option<u64>) -> Vec<u64> {
        if let Some(g) = guild {
            let settings = self.settings.get(g);
            if settings.auto_answer.by_server {
                return settings.auto_answer.value.clone();
            }
        }
        let known = self.auto_by_guild.lock().unwrap_or_else(|e| e.into_inner());
        guild
            .and_then(|g| known.get(&g).cloned())
            .unwrap_or_default()
    }

    fn set_me(&self, id: UserId) {
        self.me.send_replace(Some(id));
    }

    /// The bot's own user id, waiting for READY if an event overtook it.
    async fn me(&self) -> Option<UserId> {
        let mut rx = self.me.subscribe();
        let id = tokio::time::timeout(READY_WAIT, rx.wait_for(Option::is_some))
            .await
            .ok()?
            .ok()
            .and_then(|id| *id);
        id
    }
}

/// The database and the writer that records into it.
#[derive(Debug, Clone)]
pub struct Storage {
    pub store: Store,
    pub recorder: Recorder,
}

/// Opens the database for `serve`, before connecting when it answers within a few seconds,
/// so the first commands find it; otherwise in the background with `open_retrying`, the bot
/// answering with the defaults meanwhile. Starts the writer and the purge.
async fn open_storage(state: &Arc<State>, url: String) -> Option<tokio::task::JoinHandle<()>> {
    let first = tokio::time::timeout(
        Duration::from_secs(3),
        Store::open(&url, Open::CreateIfMissing),
    )
    .await;
    match first {
        Ok(Ok(store)) => {
            use_store(state, store);
            None
        }
        Ok(Err(StorageError::Connect { .. })) | Err(_) => {
            let state = Arc::clone(state);
            Some(tokio::spawn(async move {
                match Store::open_retrying(&url, Open::CreateIfMissing).await {
                    Ok(store) => use_store(&state, store),
                    Err(err) => tracing::error!(
                        %err,
                        "answering with the default settings and storing nothing"
                    ),
                }
            }))
        }
        Ok(Err(err)) => {
            tracing::error!(%err, "answering with the default settings and storing nothing");
            None
        }
    }
}

/// Starts the writer and the purge on `store`, and loads the settings of the servers seen.
fn use_store(state: &Arc<State>, store: Store) {
    tracing::info!(
        database = store.backend().name(),
        "storing settings and counts"
    );
    let (recorder, _writer) = storage::spawn_writer(store.clone(), WriterOptions::default());
    storage::spawn_purge(store.clone(), state.purge_every);
    state.attach(Storage { store, recorder });
    let guilds: Vec<u64> = state
        .guilds
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .copied()
        .collect();
    for guild in guilds {
        state.load_settings(guild);
    }
}

/// The gateway intents: guilds, guild messages and direct messages always; the privileged
/// message content intent only for auto-answer channels, since mentions and DMs carry their
/// text without it.
pub fn intents(config: &Config) -> GatewayIntents {
    let mut intents =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if config.needs_message_content() {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    intents
}

/// `calcibot register`: registers the commands once, for several processes that each run
/// with `REGISTER_COMMANDS=off`. In `DISCORD_GUILD_ID` when set, otherwise globally.
pub async fn register(config: &Config) -> Result<(), DiscordError> {
    let mut builder = HttpBuilder::new(&config.token);
    if let Some(proxy) = &config.http_proxy {
        builder = builder.proxy(proxy).ratelimiter_disabled(true);
    }
    let http = builder.build();
    let app = http
        .get_current_application_info()
        .await
        .map_err(|e| classify(e, config))?;
    http.set_application_id(app.id);
    commands::register(&http, &commands::all(), config.guild)
        .await
        .map_err(|e| classify(e, config))
}

/// Runs the bot until SIGINT or SIGTERM, or until Discord refuses it.
pub async fn run(bot: Arc<Bot>, config: Config) -> Result<(), DiscordError> {
    run_until(bot, config, shutdown_signal()).await
}

/// Runs the bot until `shutdown` completes (then closes the gateway cleanly and returns `Ok`),
/// or until Discord refuses the token or an intent.
pub async fn run_until<F>(bot: Arc<Bot>, config: Config, shutdown: F) -> Result<(), DiscordError>
where
    F: Future<Output = ()> + Send + 'static,
{
    // Listen for the shutdown from the very start, so a signal during connecting counts.
    let (stop_tx, stop_rx) = watch::channel(false);
    let signal = tokio::spawn(async move {
        shutdown.await;
        stop_tx.send_replace(true);
    });
    let result = connect_and_serve(bot, config, stop_rx).await;
    signal.abort();
    result
}

async fn connect_and_serve(
    bot: Arc<Bot>,
    config: Config,
    mut stop: watch::Receiver<bool>,
) -> Result<(), DiscordError> {
    let intents = intents(&config);
    let mut http = HttpBuilder::new(&config.token);
    let mut direct = None;
    if let Some(proxy) = &config.http_proxy {
        // The proxy owns the rate limits; serenity's own limiter would also bypass the proxy.
        // The client is kept so that replies can be sent on it directly (see `send`).
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .build()
            .map_err(|e| DiscordError::Other(e.into()))?;
        http = http
            .client(client.clone())
            .proxy(proxy)
            .ratelimiter_disabled(true);
        direct = Some(client);
    }
    let state = Arc::new(State::new(bot, &config, direct));
    let opener = open_storage(&state, config.database.clone()).await;
    tracing::info!(
        entries = state.bot.knowledge().entries.len(),
        guild = ?config.guild,
        auto_answer_channels = config.auto_answer.len(),
        cooldown_seconds = config.cooldown.as_secs(),
        proxy = config.http_proxy.is_some(),
        message_content = intents.contains(GatewayIntents::MESSAGE_CONTENT),
        "connecting to Discord"
    );
    let builder = ClientBuilder::new_with_http(http.build(), intents)
        .framework(commands::framework(
            Arc::clone(&state),
            config.guild,
            config.register,
        ))
        .event_handler(events::Handler::new(Arc::clone(&state)));
    let mut client = tokio::select! {
        client = builder => client.map_err(|e| classify(e, &config))?,
        _ = stop.wait_for(|s| *s) => return Ok(()),
    };
    let shard_manager = Arc::clone(&client.shard_manager);
    let stopper = tokio::spawn(async move {
        if stop.wait_for(|s| *s).await.is_ok() {
            tracing::info!("shutting down: closing the gateway connection");
            shard_manager.shutdown_all().await;
        }
    });
    let result = match config.shards {
        Some(range) => {
            tracing::info!(
                first = range.first,
                last = range.last,
                total = range.total,
                "running a range of shards"
            );
            // serenity reads the range's end as the last shard to run, inclusive.
            let shards = range.first..range.last;
            client.start_shard_range(shards, range.total).await
        }
        None => client.start_autosharded().await,
    };
    stopper.abort();
    if let Some(opener) = opener {
        opener.abort();
    }
    if let Some(storage) = state.storage() {
        // What was recorded up to now gets a moment to reach the database.
        let _ = tokio::time::timeout(Duration::from_secs(3), storage.recorder.flush()).await;
    }
    match result {
        Ok(()) => {
            tracing::info!("disconnected from Discord");
            Ok(())
        }
        Err(err) => Err(classify(err, &config)),
    }
}

/// Turns serenity's errors into ones that say what to do.
fn classify(err: serenity::Error, config: &Config) -> DiscordError {
    use serenity::Error;
    match err {
        Error::Gateway(GatewayError::InvalidAuthentication) => {
            DiscordError::TokenRefused("gateway close code 4004")
        }
        Error::Gateway(GatewayError::DisallowedGatewayIntents) => DiscordError::IntentRefused,
        Error::Gateway(GatewayError::InvalidGatewayIntents) => DiscordError::InvalidIntents,
        Error::Http(HttpError::UnsuccessfulRequest(ref response))
            if response.status_code.as_u16() == 401 =>
        {
            DiscordError::TokenRefused("HTTP 401 Unauthorized")
        }
        err @ Error::Http(HttpError::Request(_)) => DiscordError::Unreachable {
            url: config
                .http_proxy
                .clone()
                .unwrap_or_else(|| "https://discord.com".to_string()),
            hint: if config.http_proxy.is_some() {
                ", and that the proxy in DISCORD_HTTP_PROXY is running"
            } else {
                ""
            },
            source: err,
        },
        other => DiscordError::Other(other),
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(%err, "cannot listen for Ctrl-C; stop the bot with SIGTERM");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(err) => {
                tracing::warn!(%err, "cannot listen for SIGTERM; stop the bot with Ctrl-C");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("received Ctrl-C"),
        () = term => tracing::info!("received SIGTERM"),
    }
}
