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
pub mod ids;
pub mod message;
pub mod pages;
pub mod reply;
pub mod respond;
pub mod send;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serenity::all::{ClientBuilder, GatewayIntents, Http, HttpBuilder, UserId};
use serenity::gateway::GatewayError;
use serenity::http::HttpError;
use tokio::sync::watch;

use crate::Bot;

pub use config::{Config, ConfigError};
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
    pub auto_answer: Vec<u64>,
    /// Each server's auto-answer channels, learnt from GUILD_CREATE.
    auto_by_guild: Mutex<HashMap<u64, Vec<u64>>>,
    /// serenity's HTTP client, when its rate limiter is off (see `send`).
    direct: Option<reqwest::Client>,
    me: watch::Sender<Option<UserId>>,
}

impl State {
    /// `direct`: the client the `Http` was built with, when serenity's rate limiter is off.
    pub fn new(bot: Arc<Bot>, config: &Config, direct: Option<reqwest::Client>) -> State {
        State {
            bot,
            cooldown: Cooldown::new(config.cooldown),
            auto_answer: config.auto_answer.clone(),
            auto_by_guild: Mutex::new(HashMap::new()),
            direct,
            me: watch::Sender::new(None),
        }
    }

    /// The one send path, on the connection's `http`.
    pub fn sender(&self, http: &Arc<Http>) -> send::Sender {
        send::Sender::new(Arc::clone(http), self.direct.clone())
    }

    /// Records which auto-answer channels belong to the server `guild`.
    pub fn learn_guild(&self, guild: u64, channels: impl Iterator<Item = u64>) {
        let mine: Vec<u64> = channels.filter(|c| self.auto_answer.contains(c)).collect();
        let mut known = self.auto_by_guild.lock().unwrap_or_else(|e| e.into_inner());
        if mine.is_empty() {
            known.remove(&guild);
        } else {
            known.insert(guild, mine);
        }
    }

    /// The auto-answer channels of the server `guild` (none for a DM or an unknown server).
    pub fn auto_answer_in(&self, guild: Option<u64>) -> Vec<u64> {
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
        .framework(commands::framework(Arc::clone(&state), config.guild))
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
    let result = client.start_autosharded().await;
    stopper.abort();
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
