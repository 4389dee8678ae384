//! The running bot and what the tests assert with: the real serenity/poise client, configured
//! exactly as `calcibot serve` configures it (`DISCORD_HTTP_PROXY` pointing at the fake, rate
//! limiter off), against the fake Discord of `fake_discord.rs`. Every wait is bounded.
//!
//! The matcher is being tuned, so the tests ask the core what it replies (`bot.ask(q)`) and
//! check the Discord message against that, rather than hard-coding entry ids.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use calcibot::discord::Config;
use calcibot::{Bot, KnowledgeBase};

// What every area's tests use, so each starts with `use crate::harness::*;`.
pub use calcibot::discord::ids::ComponentId;
pub use calcibot::discord::message::{fit, limits, URGENT_COLOUR};
pub use calcibot::discord::DiscordError;
pub use calcibot::ReplyKind;
pub use serde_json::{json, Value};

pub use crate::fake_discord::{events, fixture, FakeDiscord, Options, Request, WAIT};

pub const TOKEN: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.fake-token-for-the-fake-discord_0123";
pub const GUILD: u64 = 800_000_000_000_000_001;
pub const CHANNEL: u64 = 700_000_000_000_000_001;
pub const OTHER_CHANNEL: u64 = 700_000_000_000_000_002;
pub const DM_CHANNEL: u64 = 710_000_000_000_000_001;
pub const ASKER: u64 = 600_000_000_000_000_001;

/// A question the core answers with one entry, one that raises urgent advice, and chatter.
pub const ANSWERED: &str = "what is calcinosis cutis?";
pub const URGENT: &str = "my fingertip has turned black and I can't feel it";
pub const CHATTER: [&str; 3] = ["lol", "what's the weather", "what's the weather like today"];

/// How long to keep watching for a reply that must not come, after a later message's reply
/// has shown the bot is processing.
pub const SETTLE: Duration = Duration::from_millis(400);

pub fn bot() -> Arc<Bot> {
    static BOT: OnceLock<Arc<Bot>> = OnceLock::new();
    Arc::clone(BOT.get_or_init(|| {
        let kb = KnowledgeBase::builtin().expect("the built-in knowledge base loads");
        Arc::new(Bot::new(kb).expect("the built-in knowledge base compiles"))
    }))
}

pub fn bot_id() -> u64 {
    fixture("ready.json")["d"]["user"]["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("ready.json has the bot's user id")
}

pub fn bot_user() -> Value {
    fixture("ready.json")["d"]["user"].clone()
}

pub fn mention() -> String {
    format!("<@{}>", bot_id())
}

/// The bot running against a fake Discord, with its commands registered.
pub struct Running {
    pub fake: FakeDiscord,
    pub ids: events::Ids,
    /// The folder of the bot's SQLite database, unless the test named its own.
    pub dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    pub task: JoinHandle<Result<(), DiscordError>>,
}

/// Starts the fake and the bot with these settings on top of the defaults (token, the test
/// guild, the proxy, no cooldown), and waits for command registration.
pub async fn start(vars: &[(&'static str, &str)]) -> Running {
    let running = launch(Options::default(), vars).await;
    running
        .fake
        .wait_for(WAIT, Request::registers_commands)
        .await
        .expect("the bot registered no commands within the wait");
    running
}

/// Logs of the bot under test, shown for failing tests; `RUST_LOG` picks the level.
pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("calcibot=info,warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// Starts the fake and the bot without waiting for anything.
pub async fn launch(options: Options, vars: &[(&'static str, &str)]) -> Running {
    init_logs();
    let fake = FakeDiscord::start(options).await;
    launch_on(fake, vars).await
}

/// Starts the bot against a running fake, with a SQLite database in a new temporary folder
/// unless `vars` name a `DATABASE_URL`.
pub async fn launch_on(fake: FakeDiscord, vars: &[(&'static str, &str)]) -> Running {
    let process = Process::spawn(&fake, vars);
    Running {
        fake,
        ids: events::Ids::new(),
        dir: process.dir,
        stop: process.stop,
        task: process.task,
    }
}

/// One bot in this test process, as `serve` runs it, against a fake that others may share.
pub struct Process {
    pub dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    pub task: JoinHandle<Result<(), DiscordError>>,
}

impl Process {
    /// Starts a bot on `fake` with these settings over the tests' defaults (token, the test
    /// guild, the fake as proxy, no cooldown, SQLite in a new temporary folder).
    pub fn spawn(fake: &FakeDiscord, vars: &[(&'static str, &str)]) -> Process {
        init_logs();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut all: Vec<(&'static str, String)> = vec![
            ("DISCORD_TOKEN", TOKEN.to_string()),
            ("DISCORD_GUILD_ID", GUILD.to_string()),
            ("DISCORD_HTTP_PROXY", fake.rest_url.clone()),
            ("COOLDOWN_SECONDS", "0".to_string()),
            ("DATABASE_URL", sqlite_url(dir.path())),
        ];
        for (k, v) in vars {
            all.retain(|(name, _)| name != k);
            all.push((k, v.to_string()));
        }
        let config = Config::from_lookup(|var| {
            Ok(all
                .iter()
                .find(|(name, _)| *name == var)
                .map(|(_, v)| v.clone()))
        })
        .expect("the test settings are valid");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(calcibot::discord::run_until(bot(), config, async move {
            let _ = stopped.await;
        }));
        Process {
            dir,
            stop: Some(stop),
            task,
        }
    }
}

/// The URL of a SQLite database `calcibot.db` in `dir`.
pub fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}", dir.join("calcibot.db").display())
}

impl Running {
    /// Sends a MESSAGE_CREATE and returns its id.
    pub async fn send(&self, d: Value) -> u64 {
        let id = d["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("a message id");
        self.fake.dispatch("MESSAGE_CREATE", d).await;
        id
    }

    /// A guild message from `author` in `channel`, mentioning the bot if `mention`.
    pub fn guild_message(&self, channel: u64, author: u64, content: &str, mention: bool) -> Value {
        let d = events::message(self.ids.next(), channel, Some(GUILD), author, content);
        if mention {
            events::mentioning(d, &bot_user())
        } else {
            d
        }
    }

    pub async fn mention(&self, author: u64, question: &str) -> u64 {
        let d = self.guild_message(CHANNEL, author, &format!("{} {question}", mention()), true);
        self.send(d).await
    }

    pub async fn reply_to(&self, message: u64) -> Request {
        self.fake
            .wait_for(WAIT, |r| r.replies_to(message))
            .await
            .unwrap_or_else(|| panic!("no reply to message {message} within the wait"))
    }

    pub fn replies_to(&self, message: u64) -> Vec<Request> {
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r.replies_to(message))
            .collect()
    }

    /// Sends an INTERACTION_CREATE and waits for its callback.
    pub async fn interact(&self, d: Value) -> Request {
        let id: u64 = d["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("an interaction id");
        self.fake.dispatch("INTERACTION_CREATE", d).await;
        self.fake
            .wait_for(WAIT, |r| r.answers_interaction(id))
            .await
            .unwrap_or_else(|| panic!("no callback for interaction {id} within the wait"))
    }

    pub async fn command(&self, name: &str, options: Value) -> Request {
        let d = events::command(self.ids.next(), CHANNEL, GUILD, ASKER, name, options);
        self.interact(d).await
    }

    /// Stops the bot as SIGINT would and checks it shut down cleanly; returns the fake.
    pub async fn stop(self) {
        self.stop_keeping().await;
    }

    /// Stops the bot and hands back the fake and the database folder, for a restart.
    pub async fn stop_keeping(mut self) -> (FakeDiscord, tempfile::TempDir) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(WAIT, &mut self.task)
            .await
            .expect("the bot did not shut down within the wait")
            .expect("the bot's task panicked");
        assert!(result.is_ok(), "the bot stopped with an error: {result:?}");
        let Running { fake, dir, .. } = self;
        (fake, dir)
    }
}

/// The core's reply to `question` must be of `kind`, or the test would not test what it says.
pub fn expect_kind(question: &str, kind: ReplyKind) {
    let bot = bot();
    let reply = bot.ask(question);
    assert_eq!(
        reply.kind(),
        kind,
        "the core's reply to {question:?} is no longer {kind:?}; pick another question for this test"
    );
}

/// Allowed mentions that ping no one, not even the asker.
pub fn assert_pings_no_one(body: &Value) {
    let allowed = &body["allowed_mentions"];
    assert_eq!(allowed["parse"], json!([]), "allowed_mentions: {allowed}");
    assert!(
        allowed["users"].as_array().is_none_or(Vec::is_empty),
        "allowed_mentions: {allowed}"
    );
    assert!(
        allowed["roles"].as_array().is_none_or(Vec::is_empty),
        "allowed_mentions: {allowed}"
    );
    assert_eq!(
        allowed["replied_user"],
        json!(false),
        "allowed_mentions: {allowed}"
    );
}

/// The embed showing `question`'s entry: title, answer, sources, review date, disclaimer.
pub fn assert_answer_embeds(body: &Value, question: &str) {
    let bot = bot();
    let reply = bot.ask(question);
    let entry = reply.entry().expect("the core answers with an entry");
    let embeds = body["embeds"].as_array().expect("embeds");
    let embed = embeds
        .iter()
        .find(|e| e["title"] == json!(fit(&entry.title, limits::TITLE)))
        .unwrap_or_else(|| panic!("no embed titled {:?} in {body:#}", entry.title));
    let description = embed["description"].as_str().expect("a description");
    assert_eq!(description, fit(&entry.answer, limits::DESCRIPTION));
    let sources = embed["fields"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["name"] == "Sources"))
        .expect("a Sources field");
    for citation in reply.sources() {
        let value = sources["value"].as_str().expect("text");
        assert!(value.contains(citation.source().title.trim()), "{value}");
        if let Some(url) = &citation.source().url {
            assert!(
                value.contains(&format!("]({url})")),
                "no link to {url} in {value}"
            );
        }
    }
    // The disclaimer is in the footer of the last embed.
    let last = embeds.last().expect("an embed");
    assert_eq!(
        last["footer"]["text"],
        json!(fit(reply.disclaimer(), limits::FOOTER)),
        "footer"
    );
    // Related topics are buttons that show them.
    let buttons: Vec<&str> = body["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .filter_map(|c| c["custom_id"].as_str())
        .collect();
    for related in reply.related().iter().take(5) {
        let id = ComponentId::Show(related.id.clone()).to_string();
        assert!(
            buttons.contains(&id.as_str()),
            "no button {id} in {buttons:?}"
        );
    }
}
