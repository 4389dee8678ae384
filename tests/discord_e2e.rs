//! The Discord layer end to end: the real serenity/poise client, configured exactly as
//! `calcibot serve` configures it (`DISCORD_HTTP_PROXY` pointing at the fake, rate limiter off),
//! against a fake Discord on 127.0.0.1 (`support/fake_discord.rs`). The tests assert on the
//! requests the bot made. Every wait is bounded.
//!
//! The matcher is being tuned, so the tests ask the core what it replies (`bot.ask(q)`) and
//! check the Discord message against that, rather than hard-coding entry ids.

#[path = "support/fake_discord.rs"]
mod fake_discord;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use calcibot::discord::render::{self, fit, limits, URGENT_COLOUR};
use calcibot::discord::{Config, DiscordError};
use calcibot::{Bot, KnowledgeBase, ReplyKind};

use fake_discord::{events, fixture, fixtures_dir, FakeDiscord, Options, Request, WAIT};

const TOKEN: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.fake-token-for-the-fake-discord_0123";
const GUILD: u64 = 800_000_000_000_000_001;
const CHANNEL: u64 = 700_000_000_000_000_001;
const OTHER_CHANNEL: u64 = 700_000_000_000_000_002;
const DM_CHANNEL: u64 = 710_000_000_000_000_001;
const ASKER: u64 = 600_000_000_000_000_001;

/// A question the core answers with one entry, one that raises urgent advice, and chatter.
const ANSWERED: &str = "what is calcinosis cutis?";
const URGENT: &str = "my fingertip has turned black and I can't feel it";
const CHATTER: [&str; 3] = ["lol", "what's the weather", "what's the weather like today"];

/// How long to keep watching for a reply that must not come, after a later message's reply
/// has shown the bot is processing.
const SETTLE: Duration = Duration::from_millis(400);

fn bot() -> Arc<Bot> {
    static BOT: OnceLock<Arc<Bot>> = OnceLock::new();
    Arc::clone(BOT.get_or_init(|| {
        let kb = KnowledgeBase::builtin().expect("the built-in knowledge base loads");
        Arc::new(Bot::new(kb).expect("the built-in knowledge base compiles"))
    }))
}

fn bot_id() -> u64 {
    fixture("ready.json")["d"]["user"]["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("ready.json has the bot's user id")
}

fn bot_user() -> Value {
    fixture("ready.json")["d"]["user"].clone()
}

fn mention() -> String {
    format!("<@{}>", bot_id())
}

/// The bot running against a fake Discord, with its commands registered.
struct Running {
    fake: FakeDiscord,
    ids: events::Ids,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), DiscordError>>,
}

/// Starts the fake and the bot with these settings on top of the defaults (token, the test
/// guild, the proxy, no cooldown), and waits for command registration.
async fn start(vars: &[(&'static str, &str)]) -> Running {
    let running = launch(Options::default(), vars).await;
    running
        .fake
        .wait_for(WAIT, Request::registers_commands)
        .await
        .expect("the bot registered no commands within the wait");
    running
}

/// Logs of the bot under test, shown for failing tests; `RUST_LOG` picks the level.
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("calcibot=info,warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// Starts the fake and the bot without waiting for anything.
async fn launch(options: Options, vars: &[(&'static str, &str)]) -> Running {
    init_logs();
    let fake = FakeDiscord::start(options).await;
    let guild = GUILD.to_string();
    let mut all: Vec<(&'static str, String)> = vec![
        ("DISCORD_TOKEN", TOKEN.to_string()),
        ("DISCORD_GUILD_ID", guild),
        ("DISCORD_HTTP_PROXY", fake.rest_url.clone()),
        ("COOLDOWN_SECONDS", "0".to_string()),
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
    Running {
        fake,
        ids: events::Ids::new(),
        stop: Some(stop),
        task,
    }
}

impl Running {
    /// Sends a MESSAGE_CREATE and returns its id.
    async fn send(&self, d: Value) -> u64 {
        let id = d["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("a message id");
        self.fake.dispatch("MESSAGE_CREATE", d).await;
        id
    }

    /// A guild message from `author` in `channel`, mentioning the bot if `mention`.
    fn guild_message(&self, channel: u64, author: u64, content: &str, mention: bool) -> Value {
        let d = events::message(self.ids.next(), channel, Some(GUILD), author, content);
        if mention {
            events::mentioning(d, &bot_user())
        } else {
            d
        }
    }

    async fn mention(&self, author: u64, question: &str) -> u64 {
        let d = self.guild_message(CHANNEL, author, &format!("{} {question}", mention()), true);
        self.send(d).await
    }

    async fn reply_to(&self, message: u64) -> Request {
        self.fake
            .wait_for(WAIT, |r| r.replies_to(message))
            .await
            .unwrap_or_else(|| panic!("no reply to message {message} within the wait"))
    }

    fn replies_to(&self, message: u64) -> Vec<Request> {
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r.replies_to(message))
            .collect()
    }

    /// Sends an INTERACTION_CREATE and waits for its callback.
    async fn interact(&self, d: Value) -> Request {
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

    async fn command(&self, name: &str, options: Value) -> Request {
        let d = events::command(self.ids.next(), CHANNEL, GUILD, ASKER, name, options);
        self.interact(d).await
    }

    /// Stops the bot as SIGINT would and checks it shut down cleanly.
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(WAIT, &mut self.task)
            .await
            .expect("the bot did not shut down within the wait")
            .expect("the bot's task panicked");
        assert!(result.is_ok(), "the bot stopped with an error: {result:?}");
    }
}

/// The core's reply to `question` must be of `kind`, or the test would not test what it says.
fn expect_kind(question: &str, kind: ReplyKind) {
    let bot = bot();
    let reply = bot.ask(question);
    assert_eq!(
        reply.kind,
        kind,
        "the core's reply to {question:?} is no longer {kind:?}; pick another question for this test"
    );
}

/// Allowed mentions that ping no one, not even the asker.
fn assert_pings_no_one(body: &Value) {
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
fn assert_answer_embeds(body: &Value, question: &str) {
    let bot = bot();
    let reply = bot.ask(question);
    let entry = reply.entry.expect("the core answers with an entry");
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
    for citation in &reply.sources {
        let value = sources["value"].as_str().expect("text");
        assert!(value.contains(citation.source.title.trim()), "{value}");
        if let Some(url) = &citation.source.url {
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
        json!(fit(reply.disclaimer, limits::FOOTER)),
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
    for related in reply.related.iter().take(5) {
        let id = format!("{}{}", render::ids::SHOW, related.id);
        assert!(
            buttons.contains(&id.as_str()),
            "no button {id} in {buttons:?}"
        );
    }
}

#[test]
fn every_fixture_deserialises_as_a_known_event() {
    use serenity::all::{Event, GatewayEvent};
    let mut seen = BTreeSet::new();
    for item in std::fs::read_dir(fixtures_dir()).expect("the fixtures directory") {
        let path = item.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).expect("readable");
        // The same parse serenity's shard applies to a text frame.
        let event: GatewayEvent = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{name} is not a gateway event: {e}"));
        match event {
            GatewayEvent::Dispatch(_, Event::Unknown(unknown)) => {
                panic!(
                    "{name} parses as an unknown event ({}): a required field is missing",
                    unknown.kind
                )
            }
            GatewayEvent::Dispatch(_, _) => {}
            _ => panic!("{name} is not a dispatch"),
        }
        seen.insert(name);
    }
    for expected in [
        "ready.json",
        "message_create_guild.json",
        "message_create_dm.json",
        "message_create_bot.json",
        "message_create_webhook.json",
        "message_create_system.json",
        "message_create_own.json",
        "interaction_command.json",
        "interaction_autocomplete.json",
        "interaction_button.json",
        "interaction_select.json",
    ] {
        assert!(seen.contains(expected), "fixture {expected} is missing");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_the_commands_on_ready() {
    let bot = start(&[]).await;
    let put = bot
        .fake
        .wait_for(WAIT, Request::registers_commands)
        .await
        .expect("registration");
    let app = bot.fake.ready()["application"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        put.path,
        format!("/api/v10/applications/{app}/guilds/{GUILD}/commands")
    );
    let commands = put.body.as_array().expect("a list of commands");
    let names: BTreeSet<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(
        names,
        BTreeSet::from(["ask", "topic", "topics", "about", "help"])
    );
    let options = |name: &str| -> Vec<(String, u64, bool, bool)> {
        let command = commands.iter().find(|c| c["name"] == name).unwrap();
        assert!(
            command["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty() && d.len() <= 100),
            "/{name} needs a description"
        );
        command["options"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| {
                (
                    o["name"].as_str().unwrap().to_string(),
                    o["type"].as_u64().unwrap(),
                    o["required"].as_bool().unwrap_or(false),
                    o["autocomplete"].as_bool().unwrap_or(false),
                )
            })
            .collect()
    };
    // (name, type: 3 string / 5 boolean, required, autocomplete)
    assert_eq!(
        options("ask"),
        vec![
            ("question".into(), 3, true, false),
            ("private".into(), 5, false, false)
        ]
    );
    assert_eq!(
        options("topic"),
        vec![
            ("name".into(), 3, true, true),
            ("private".into(), 5, false, false)
        ]
    );
    assert!(options("topics").is_empty());
    assert!(options("about").is_empty());
    assert!(options("help").is_empty());

    // Without auto-answer channels the privileged message content intent is not asked for.
    let identify = bot.fake.identifies().pop().expect("an IDENTIFY");
    let intents = identify["intents"].as_u64().expect("intents");
    let (guilds, guild_messages, direct_messages, message_content) = (1, 1 << 9, 1 << 12, 1 << 15);
    assert_eq!(
        intents,
        guilds | guild_messages | direct_messages,
        "intents {intents:#b}"
    );
    assert_eq!(intents & message_content, 0);
    assert_eq!(identify["token"], json!(format!("Bot {TOKEN}")));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_globally_without_a_guild() {
    let bot = start(&[("DISCORD_GUILD_ID", "")]).await;
    let put = bot
        .fake
        .wait_for(WAIT, Request::registers_commands)
        .await
        .unwrap();
    let app = bot.fake.ready()["application"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(put.path, format!("/api/v10/applications/{app}/commands"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_gets_a_reply_embed() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let bot = start(&[]).await;
    let question = bot.mention(ASKER, ANSWERED).await;
    let reply = bot.reply_to(question).await;
    assert_eq!(reply.path, format!("/api/v10/channels/{CHANNEL}/messages"));
    assert_eq!(
        reply.body["message_reference"]["message_id"],
        json!(question.to_string())
    );
    assert_answer_embeds(&reply.body, ANSWERED);
    assert_pings_no_one(&reply.body);
    // Exactly one reply.
    tokio::time::sleep(SETTLE).await;
    assert_eq!(bot.replies_to(question).len(), 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_message_gets_a_reply_embed() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let bot = start(&[]).await;
    let mut d = fixture("message_create_dm.json")["d"].clone();
    let id = bot.ids.next();
    d["id"] = json!(id.to_string());
    d["content"] = json!(ANSWERED);
    bot.send(d).await;
    let reply = bot.reply_to(id).await;
    assert_eq!(
        reply.path,
        format!("/api/v10/channels/{DM_CHANNEL}/messages")
    );
    assert_answer_embeds(&reply.body, ANSWERED);
    assert_pings_no_one(&reply.body);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_in_a_question_pings_no_one() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let bot = start(&[]).await;
    let content = format!(
        "{} @everyone @here <@&123456789> <@555> {ANSWERED}",
        mention()
    );
    let mut d = bot.guild_message(CHANNEL, ASKER, &content, true);
    d["mention_everyone"] = json!(true);
    d["mention_roles"] = json!(["123456789"]);
    let id = bot.send(d).await;
    let reply = bot.reply_to(id).await;
    assert_pings_no_one(&reply.body);
    let text = reply.body.to_string();
    assert!(
        !text.contains("@everyone") && !text.contains("@here"),
        "{text}"
    );
    // The markup was not part of the question: the same answer as without it.
    assert_answer_embeds(&reply.body, ANSWERED);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_answers_bots_webhooks_system_messages_or_itself() {
    let bot = start(&[]).await;
    let mut ignored = Vec::new();
    for name in [
        "message_create_bot.json",
        "message_create_own.json",
        "message_create_webhook.json",
        "message_create_system.json",
    ] {
        let mut d = fixture(name)["d"].clone();
        d["id"] = json!(bot.ids.next().to_string());
        ignored.push((name, bot.send(d).await));
    }
    // The bot's own user, even without the bot flag.
    let mut own = bot.guild_message(
        CHANNEL,
        bot_id(),
        &format!("{} {ANSWERED}", mention()),
        true,
    );
    own["author"]["bot"] = json!(false);
    ignored.push(("own, no bot flag", bot.send(own).await));

    // A person's message after them is answered, so the bot was listening all along.
    let control = bot.mention(ASKER, ANSWERED).await;
    bot.reply_to(control).await;
    tokio::time::sleep(SETTLE).await;
    for (name, id) in ignored {
        assert!(bot.replies_to(id).is_empty(), "{name} got a reply");
    }
    let posts = bot
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .count();
    assert_eq!(posts, 1, "only the person's message is answered");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_ask_replies_through_the_interaction_callback() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let bot = start(&[]).await;

    let public = bot
        .command(
            "ask",
            json!([{"name": "question", "type": 3, "value": ANSWERED}]),
        )
        .await;
    assert_eq!(public.body["type"], json!(4), "a message reply");
    let flags = public.body["data"]["flags"].as_u64().unwrap_or(0);
    assert_eq!(flags & 64, 0, "a public reply is not ephemeral");
    assert_answer_embeds(&public.body["data"], ANSWERED);
    assert_pings_no_one(&public.body["data"]);

    let private = bot
        .command(
            "ask",
            json!([
                {"name": "question", "type": 3, "value": ANSWERED},
                {"name": "private", "type": 5, "value": true}
            ]),
        )
        .await;
    assert_eq!(private.body["type"], json!(4));
    assert_eq!(
        private.body["data"]["flags"],
        json!(64),
        "private means ephemeral"
    );
    assert_answer_embeds(&private.body["data"], ANSWERED);
    // Nothing went to the channel itself.
    assert!(!bot
        .fake
        .requests()
        .iter()
        .any(|r| r.path.ends_with("/messages")));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_urgent_message_gets_the_urgent_embed_first() {
    expect_kind(URGENT, ReplyKind::Urgent);
    let core = bot();
    let alert = core.ask(URGENT).alert.expect("urgent advice").to_string();
    let bot = start(&[]).await;
    let id = bot.mention(ASKER, URGENT).await;
    let reply = bot.reply_to(id).await;
    let first = &reply.body["embeds"][0];
    assert_eq!(first["color"], json!(URGENT_COLOUR), "red");
    assert_eq!(
        first["description"],
        json!(fit(&alert, limits::DESCRIPTION))
    );
    assert!(first["title"]
        .as_str()
        .unwrap_or_default()
        .contains("Urgent"));
    let last = reply.body["embeds"].as_array().unwrap().last().unwrap();
    assert!(
        last["footer"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "disclaimer"
    );
    assert_pings_no_one(&reply.body);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicking_a_related_topic_shows_that_entry() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let core = bot();
    let related = core
        .ask(ANSWERED)
        .related
        .first()
        .copied()
        .expect("the answered entry has related topics; pick a question whose entry has some");
    let bot = start(&[]).await;
    let id = bot.mention(ASKER, ANSWERED).await;
    let reply = bot.reply_to(id).await;
    // The button as the bot sent it.
    let button = reply.body["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .find(|c| c["label"] == json!(fit(&related.title, limits::BUTTON_LABEL)))
        .unwrap_or_else(|| {
            panic!(
                "no button for {} in {:#}",
                related.id, reply.body["components"]
            )
        })
        .clone();
    let custom_id = button["custom_id"].as_str().expect("a custom id");
    let click = bot
        .interact(events::button(bot.ids.next(), ASKER, custom_id))
        .await;
    assert_eq!(click.body["type"], json!(4));
    assert_eq!(
        click.body["data"]["flags"],
        json!(64),
        "shown to the one who clicked"
    );
    let shown = core.show(&related.id).expect("the related entry");
    let title = shown.entry.unwrap().title.clone();
    assert_eq!(
        click.body["data"]["embeds"][0]["title"],
        json!(fit(&title, limits::TITLE))
    );
    assert_eq!(
        click.body["data"]["embeds"][0]["description"],
        json!(fit(&shown.entry.unwrap().answer, limits::DESCRIPTION))
    );
    assert_pings_no_one(&click.body["data"]);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auto_answer_channel_answers_confident_questions_only() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let core = bot();
    assert!(calcibot::discord::events::confident(&core.ask(ANSWERED)));
    for chatter in CHATTER {
        let reply = core.ask(chatter);
        assert!(
            !calcibot::discord::events::confident(&reply),
            "{chatter:?} is a confident {:?} now; pick other chatter for this test",
            reply.kind
        );
    }
    let channel = CHANNEL.to_string();
    let bot = start(&[("AUTO_ANSWER_CHANNELS", &channel)]).await;
    let identify = bot.fake.identifies().pop().expect("an IDENTIFY");
    assert_ne!(
        identify["intents"].as_u64().unwrap() & (1 << 15),
        0,
        "message content intent"
    );

    let mut quiet = Vec::new();
    for (n, chatter) in CHATTER.iter().enumerate() {
        let d = bot.guild_message(CHANNEL, ASKER + 10 + n as u64, chatter, false);
        quiet.push(bot.send(d).await);
    }
    // A question without a mention elsewhere is not for the bot.
    let d = bot.guild_message(OTHER_CHANNEL, ASKER + 20, ANSWERED, false);
    quiet.push(bot.send(d).await);

    let d = bot.guild_message(CHANNEL, ASKER, ANSWERED, false);
    let asked = bot.send(d).await;
    let reply = bot.reply_to(asked).await;
    assert_answer_embeds(&reply.body, ANSWERED);
    assert_pings_no_one(&reply.body);
    tokio::time::sleep(SETTLE).await;
    for id in quiet {
        assert!(bot.replies_to(id).is_empty(), "message {id} got a reply");
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cooldown_holds() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    expect_kind(URGENT, ReplyKind::Urgent);
    let bot = start(&[("COOLDOWN_SECONDS", "60")]).await;
    let first = bot.mention(ASKER, ANSWERED).await;
    let answer = bot.reply_to(first).await;
    assert!(!answer.body["embeds"].as_array().unwrap().is_empty());

    // Inside the cooldown: one short notice, then silence.
    let second = bot.mention(ASKER, ANSWERED).await;
    let notice = bot.reply_to(second).await;
    assert!(
        notice.body["embeds"].as_array().is_none_or(Vec::is_empty),
        "a notice, not an answer"
    );
    let content = notice.body["content"].as_str().expect("the notice's text");
    assert!(content.contains("second"), "{content}");
    assert!(content.chars().count() <= limits::CONTENT);
    assert_pings_no_one(&notice.body);
    let third = bot.mention(ASKER, ANSWERED).await;

    // Someone else is answered meanwhile.
    let other = bot.mention(ASKER + 1, ANSWERED).await;
    bot.reply_to(other).await;
    tokio::time::sleep(SETTLE).await;
    assert!(
        bot.replies_to(third).is_empty(),
        "a third reply inside the cooldown"
    );

    // Urgent advice is never held back.
    let urgent = bot.mention(ASKER, URGENT).await;
    let reply = bot.reply_to(urgent).await;
    assert_eq!(reply.body["embeds"][0]["color"], json!(URGENT_COLOUR));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overlong_message_is_cut_not_refused() {
    let bot = start(&[]).await;
    let long = format!("{ANSWERED} {}", "and also more words ".repeat(400));
    assert!(long.chars().count() > calcibot::question::MAX_QUESTION_CHARS);
    let id = bot.mention(ASKER, &long).await;
    let reply = bot.reply_to(id).await;
    assert!(!reply.body["embeds"].as_array().unwrap().is_empty());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bare_mention_says_how_to_ask() {
    let bot = start(&[]).await;
    let d = bot.guild_message(CHANNEL, ASKER, &mention(), true);
    let id = bot.send(d).await;
    let reply = bot.reply_to(id).await;
    let description = reply.body["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains("/help"), "{description}");
    assert_pings_no_one(&reply.body);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topic_autocompletes_over_the_entries() {
    let core = bot();
    let kb = core.knowledge();
    let bot = start(&[]).await;

    let all = bot
        .interact(events::autocomplete(bot.ids.next(), "topic", "name", ""))
        .await;
    assert_eq!(all.body["type"], json!(8), "an autocomplete result");
    let choices = all.body["data"]["choices"].as_array().expect("choices");
    assert!(!choices.is_empty());
    assert!(
        choices.len() <= limits::AUTOCOMPLETE_CHOICES,
        "{} choices",
        choices.len()
    );
    for choice in choices {
        let id = choice["value"].as_str().unwrap();
        assert!(kb.entry(id).is_some(), "{id} is not an entry");
        assert!(choice["name"].as_str().unwrap().chars().count() <= limits::CHOICE_NAME);
    }

    let entry = kb.entries.last().expect("an entry");
    let typed = bot
        .interact(events::autocomplete(
            bot.ids.next(),
            "topic",
            "name",
            &entry.title,
        ))
        .await;
    assert_eq!(typed.body["data"]["choices"][0]["value"], json!(entry.id));

    // Picking it shows it.
    let shown = bot
        .command(
            "topic",
            json!([{"name": "name", "type": 3, "value": entry.id}]),
        )
        .await;
    assert_eq!(
        shown.body["data"]["embeds"][0]["title"],
        json!(fit(&entry.title, limits::TITLE))
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_browses_by_theme() {
    let core = bot();
    let kb = core.knowledge();
    let themes = kb.themes();
    let (theme, entries) = themes.first().expect("a theme");
    let bot = start(&[]).await;

    let overview = bot.command("topics", json!([])).await;
    assert_eq!(overview.body["data"]["flags"], json!(64));
    let select = &overview.body["data"]["components"][0]["components"][0];
    assert_eq!(select["custom_id"], json!(render::ids::THEME));
    let values: Vec<&str> = select["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = themes.iter().map(|(t, _)| t.id.as_str()).collect();
    assert_eq!(values, expected);

    let page = bot
        .interact(events::select(
            bot.ids.next(),
            ASKER,
            render::ids::THEME,
            &theme.id,
        ))
        .await;
    assert_eq!(page.body["type"], json!(7), "the browser updates in place");
    let pick = &page.body["data"]["components"][1]["components"][0];
    let pick_id = pick["custom_id"].as_str().unwrap();
    assert!(pick_id.starts_with(render::ids::PICK));
    let options = pick["options"].as_array().unwrap();
    assert_eq!(options.len(), entries.len().min(limits::SELECT_OPTIONS));

    let entry = entries.first().unwrap();
    let shown = bot
        .interact(events::select(bot.ids.next(), ASKER, pick_id, &entry.id))
        .await;
    assert_eq!(shown.body["type"], json!(7));
    assert_eq!(
        shown.body["data"]["embeds"][0]["title"],
        json!(fit(&entry.title, limits::TITLE))
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn about_and_help() {
    let core = bot();
    let kb = core.knowledge();
    let bot = start(&[]).await;
    let about = bot.command("about", json!([])).await;
    let text = about.body["data"].to_string();
    assert!(
        text.contains(&format!("{} entries", kb.entries.len())),
        "{text}"
    );
    assert!(text.contains(kb.reviewed()), "{text}");
    assert!(text.contains("nothing of what you write"), "{text}");
    for source in &kb.sources {
        assert!(
            text.contains(source.title.trim()),
            "{} missing",
            source.title
        );
    }
    let help = bot.command("help", json!([])).await;
    let text = help.body["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap();
    assert!(text.contains("/ask") && text.contains("private"), "{text}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_start_up_with_what_to_do() {
    let bot = launch(
        Options {
            refuse_token: true,
            ..Options::default()
        },
        &[],
    )
    .await;
    let result = tokio::time::timeout(WAIT, bot.task)
        .await
        .expect("start-up did not fail within the wait")
        .expect("no panic");
    let err = result.expect_err("a refused token is an error");
    assert!(matches!(err, DiscordError::TokenRefused(_)), "{err:?}");
    assert!(err.to_string().contains("Reset Token"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_close_4004_is_a_refused_token() {
    let bot = launch(
        Options {
            close_on_identify: Some(4004),
            ..Options::default()
        },
        &[],
    )
    .await;
    let result = tokio::time::timeout(WAIT, bot.task)
        .await
        .expect("in time")
        .expect("no panic");
    assert!(
        matches!(result, Err(DiscordError::TokenRefused(_))),
        "{result:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disallowed_intent_stops_start_up_with_where_to_enable_it() {
    let channel = CHANNEL.to_string();
    let bot = launch(
        Options {
            close_on_identify: Some(4014),
            ..Options::default()
        },
        &[("AUTO_ANSWER_CHANNELS", &channel)],
    )
    .await;
    let result = tokio::time::timeout(WAIT, bot.task)
        .await
        .expect("in time")
        .expect("no panic");
    let err = result.expect_err("4014 is an error");
    assert!(matches!(err, DiscordError::IntentRefused), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("Privileged Gateway Intents") && text.contains("Message Content"),
        "{text}"
    );
}

// The binary: `calcibot serve` as a user runs it.

fn serve_command(fake: Option<&FakeDiscord>) -> (Command, tempfile::TempDir) {
    // An empty working directory, so no `.env` of the checkout is read.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut command = Command::new(env!("CARGO_BIN_EXE_calcibot"));
    command
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("KNOWLEDGE_DIR")
        .env_remove("AUTO_ANSWER_CHANNELS")
        .env_remove("DISCORD_GUILD_ID")
        .env("RUST_LOG", "calcibot=info,warn")
        .env("COOLDOWN_SECONDS", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match fake {
        Some(fake) => {
            command
                .env("DISCORD_TOKEN", TOKEN)
                .env("DISCORD_HTTP_PROXY", &fake.rest_url);
        }
        None => {
            command
                .env_remove("DISCORD_TOKEN")
                .env_remove("DISCORD_HTTP_PROXY");
        }
    }
    (command, dir)
}

/// Waits for the child to exit, up to `timeout`; kills it if it does not.
async fn wait_exit(child: std::process::Child, timeout: Duration) -> std::process::Output {
    let pid = child.id();
    let waiting = tokio::task::spawn_blocking(move || child.wait_with_output());
    match tokio::time::timeout(timeout, waiting).await {
        Ok(output) => output.expect("no panic").expect("the child's output"),
        Err(_) => {
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg(pid.to_string())
                .status();
            panic!("calcibot serve did not exit within {timeout:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_without_a_token_says_what_to_do() {
    let (mut command, _dir) = serve_command(None);
    let child = command.spawn().expect("calcibot runs");
    let output = wait_exit(child, WAIT).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DISCORD_TOKEN is not set") && stderr.contains("Developer Portal"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_a_malformed_value_names_it() {
    let (mut command, _dir) = serve_command(None);
    command
        .env("DISCORD_TOKEN", TOKEN)
        .env("AUTO_ANSWER_CHANNELS", "#help");
    let output = wait_exit(command.spawn().expect("calcibot runs"), WAIT).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("AUTO_ANSWER_CHANNELS"), "{stderr}");
    assert!(!stderr.contains(TOKEN), "the token must never be shown");
}

async fn serve_stops_on(signal: &str) {
    let fake = FakeDiscord::start(Options::default()).await;
    let (mut command, _dir) = serve_command(Some(&fake));
    let child = command.spawn().expect("calcibot runs");
    let registered = fake.wait_for(WAIT, Request::registers_commands).await;
    if registered.is_none() {
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(child.id().to_string())
            .status();
        let output = wait_exit(child, WAIT).await;
        panic!(
            "calcibot serve never registered its commands:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // It answers, too: the binary runs the same layer as the tests above.
    let d = events::message(
        1_200_000_000_000_000_001,
        CHANNEL,
        Some(GUILD),
        ASKER,
        &format!("{} {ANSWERED}", mention()),
    );
    fake.dispatch("MESSAGE_CREATE", events::mentioning(d, &bot_user()))
        .await;
    fake.wait_for(WAIT, |r| r.replies_to(1_200_000_000_000_000_001))
        .await
        .expect("calcibot serve answered a mention");

    let started = Instant::now();
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(status.success());
    let output = wait_exit(child, WAIT).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}:\n{stderr}",
        output.status
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(stderr.contains("disconnected from Discord"), "{stderr}");
    assert!(!stderr.contains(TOKEN), "the token must never be logged");
    assert!(
        !stderr.contains(ANSWERED),
        "message text must not be logged at info"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_cleanly_on_sigterm() {
    serve_stops_on("TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_cleanly_on_sigint() {
    serve_stops_on("INT").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_reports_a_disallowed_intent() {
    let fake = FakeDiscord::start(Options {
        close_on_identify: Some(4014),
        ..Options::default()
    })
    .await;
    let (mut command, _dir) = serve_command(Some(&fake));
    command.env("AUTO_ANSWER_CHANNELS", CHANNEL.to_string());
    let output = wait_exit(command.spawn().expect("calcibot runs"), WAIT).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Privileged Gateway Intents"), "{stderr}");
}
