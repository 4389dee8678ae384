//! Gateway events: messages (mentions, direct messages, auto-answer channels) and clicks on the
//! buttons and menus the bot's messages carry.
//!
//! Deciding whether and what to answer is split from sending: `route` is a plain function of
//! the message, so the rules (never bots, webhooks, system messages or itself; auto-answer
//! channels only for confident replies) are tested without a connection.

use std::sync::{Arc, LazyLock};
use std::time::Instant;

use regex::Regex;
use serenity::all::{
    ComponentInteraction, ComponentInteractionDataKind, Context, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateMessage, EventHandler, Interaction, Message,
    MessageReference, MessageType, Ready, UserId,
};

use super::cooldown::Verdict;
use super::render::{self, ids, Rendered};
use super::State;
use crate::question::{truncate, MAX_QUESTION_CHARS};
use crate::reply::{Reply, ReplyKind};

/// serenity's event handler: the message and component events; poise handles the commands.
pub struct Handler {
    state: Arc<State>,
}

impl Handler {
    pub fn new(state: Arc<State>) -> Handler {
        Handler { state }
    }
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        self.state.set_me(ready.user.id);
        tracing::info!(
            user = %ready.user.name,
            id = %ready.user.id,
            guilds = ready.guilds.len(),
            "connected to Discord"
        );
    }

    async fn message(&self, ctx: Context, msg: Message) {
        on_message(&ctx, &self.state, &msg).await;
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        if let Interaction::Component(component) = interaction {
            on_component(&ctx, &self.state, &component).await;
        }
    }
}

/// Why a message is answered, with the question it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The bot was mentioned: the text after the mention (before it, if nothing follows).
    Mention(String),
    /// A direct message: all of it.
    Direct(String),
    /// A message in an auto-answer channel: all of it, answered only if the reply is confident.
    Auto(String),
    /// Not for the bot; the reason, for the debug log.
    Ignore(&'static str),
}

/// Whether and why to answer `msg`, for a bot whose user id is `me`.
pub fn route(msg: &Message, me: UserId, auto_answer: &[u64]) -> Route {
    if msg.author.id == me {
        return Route::Ignore("own message");
    }
    if msg.author.bot || msg.author.system {
        return Route::Ignore("from a bot");
    }
    if msg.webhook_id.is_some() {
        return Route::Ignore("from a webhook");
    }
    if !matches!(msg.kind, MessageType::Regular | MessageType::InlineReply) {
        return Route::Ignore("system message");
    }
    let tags = [format!("<@{me}>"), format!("<@!{me}>")];
    let tagged = tags.iter().any(|t| msg.content.contains(t.as_str()));
    let mentioned = tagged || msg.mentions.iter().any(|u| u.id == me);
    if msg.guild_id.is_none() {
        return Route::Direct(clean(&strip_tags(&msg.content, &tags)));
    }
    if mentioned {
        return Route::Mention(after_mention(&msg.content, &tags));
    }
    if auto_answer.contains(&msg.channel_id.get()) {
        return Route::Auto(clean(&msg.content));
    }
    Route::Ignore("not addressed to the bot")
}

/// The text after the first mention of the bot, or before it when nothing follows
/// ("what is calcinosis? @calcibot"), with mention markup removed.
fn after_mention(content: &str, tags: &[String; 2]) -> String {
    let first = tags
        .iter()
        .filter_map(|t| content.find(t.as_str()).map(|at| (at, t.len())))
        .min();
    let Some((at, len)) = first else {
        // Mentioned through a reply rather than a tag: the whole message is the question.
        return clean(&strip_tags(content, tags));
    };
    let after = clean(&strip_tags(&content[at + len..], tags));
    if after.is_empty() {
        clean(&strip_tags(&content[..at], tags))
    } else {
        after
    }
}

fn strip_tags(content: &str, tags: &[String; 2]) -> String {
    tags.iter().fold(content.to_string(), |text, tag| {
        text.replace(tag.as_str(), " ")
    })
}

/// Mention, role and channel markup (`<@123>`, `<@&4>`, `<#5>`) carries no meaning for the
/// matcher; custom emoji (`<:name:id>`) keep their name.
static MARKUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<(?:@[!&]?|#)\d+>|<a?:(\w+):\d+>").expect("the markup pattern is valid")
});

/// The question as the matcher should see it: markup removed, spaces collapsed.
pub fn clean(text: &str) -> String {
    let text = MARKUP.replace_all(text, " ${1} ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn on_message(ctx: &Context, state: &State, msg: &Message) {
    let Some(me) = state.me().await else {
        tracing::warn!("a message arrived but READY never said who the bot is; ignoring it");
        return;
    };
    let route = route(msg, me, &state.auto_answer);
    let (text, auto, place) = match route {
        Route::Ignore(why) => {
            tracing::trace!(why, message = %msg.id, "not answering");
            return;
        }
        Route::Mention(text) => (text, false, "mention"),
        Route::Direct(text) => (text, false, "direct message"),
        Route::Auto(text) => (text, true, "auto-answer channel"),
    };
    tracing::debug!(place, message = %msg.id, question = %text, "question");
    let user = msg.author.id.get();

    if text.is_empty() {
        // A bare mention (or a DM with only an attachment): say how to ask, within the cooldown.
        if auto {
            return;
        }
        if let Verdict::Go = state.cooldown.check(user, Instant::now()) {
            let kb = state.bot.knowledge();
            send_reply(ctx, msg, &render::empty_mention(kb), place, "help").await;
        }
        return;
    }

    let question = truncate(&text, MAX_QUESTION_CHARS);
    let (rendered, kind) = {
        let reply = state.bot.ask(question);
        if auto && !confident(&reply) {
            tracing::debug!(
                kind = reply.kind.as_str(),
                "auto-answer channel: staying quiet"
            );
            return;
        }
        (render::reply(&reply), reply.kind)
    };
    let now = Instant::now();
    let verdict = if matches!(kind, ReplyKind::Urgent | ReplyKind::Crisis) {
        // Urgent and crisis advice is never held back by a cooldown; it still starts one.
        state.cooldown.start(user, now);
        Verdict::Go
    } else {
        state.cooldown.check(user, now)
    };
    match verdict {
        Verdict::Go => send_reply(ctx, msg, &rendered, place, kind.as_str()).await,
        Verdict::Notice { wait } if !auto => {
            tracing::debug!(place, "cooldown: one notice");
            let notice = CreateMessage::new()
                .content(render::cooldown_notice(wait))
                .reference_message(reference(msg))
                .allowed_mentions(render::no_mentions());
            if let Err(err) = msg.channel_id.send_message(&ctx.http, notice).await {
                warn_send(&err, "cooldown notice");
            }
        }
        Verdict::Notice { .. } | Verdict::Quiet => {
            tracing::debug!(place, "cooldown: staying quiet");
        }
    }
}

/// Replies an auto-answer channel may carry: safety advice (always), or an answer the core is
/// sure of. A clarify, a no-match or a merely likely answer would butt into a conversation that
/// was not addressed to the bot, and a wrong answer there is worse than staying quiet.
pub fn confident(reply: &Reply<'_>) -> bool {
    reply.is_alert() || reply.is_sure()
}

/// A reference to the question that still sends if the question was deleted meanwhile.
fn reference(msg: &Message) -> MessageReference {
    let mut reference = MessageReference::from(msg);
    reference.fail_if_not_exists = Some(false);
    reference
}

async fn send_reply(ctx: &Context, msg: &Message, rendered: &Rendered, place: &str, kind: &str) {
    let builder = CreateMessage::new()
        .embeds(rendered.embeds())
        .components(rendered.components())
        .reference_message(reference(msg))
        .allowed_mentions(render::no_mentions());
    match msg.channel_id.send_message(&ctx.http, builder).await {
        Ok(_) => tracing::debug!(place, kind, "answered"),
        Err(err) => warn_send(&err, "reply"),
    }
}

/// Logs a failed send with what the server owner can do about it.
pub(crate) fn warn_send(err: &serenity::Error, what: &str) {
    let hint = match discord_code(err) {
        Some(50001 | 50013) => "give the bot View Channels, Send Messages, Send Messages in Threads, Embed Links and Read Message History in that channel",
        Some(160002) => "give the bot Read Message History in that channel, which Discord requires for replies",
        Some(50007) => "the user does not accept direct messages from the bot",
        _ => "",
    };
    tracing::warn!(%err, hint, "could not send the {what}");
}

fn discord_code(err: &serenity::Error) -> Option<isize> {
    match err {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(response)) => {
            Some(response.error.code)
        }
        _ => None,
    }
}

async fn on_component(ctx: &Context, state: &State, component: &ComponentInteraction) {
    let id = component.data.custom_id.as_str();
    let kb = state.bot.knowledge();
    let value = match &component.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => values.first().cloned(),
        _ => None,
    };
    let response = if let Some(entry_id) = id.strip_prefix(ids::SHOW) {
        // A related topic or a clarify choice: shown to whoever clicked, so clicks never
        // pile up in the channel.
        let message = match state.bot.show(entry_id) {
            Some(reply) => message(&render::reply(&reply)),
            None => gone(),
        };
        CreateInteractionResponse::Message(message.ephemeral(true))
    } else if id == ids::THEME {
        match value.as_deref().and_then(|theme| render::theme(kb, theme)) {
            Some(rendered) => CreateInteractionResponse::UpdateMessage(message(&rendered)),
            None => CreateInteractionResponse::Message(gone().ephemeral(true)),
        }
    } else if id.starts_with(ids::PICK) {
        match value.as_deref().and_then(|entry| state.bot.show(entry)) {
            Some(reply) => {
                CreateInteractionResponse::UpdateMessage(message(&render::browsed(kb, &reply)))
            }
            None => CreateInteractionResponse::Message(gone().ephemeral(true)),
        }
    } else {
        tracing::debug!(custom_id = id, "a component the bot does not know");
        CreateInteractionResponse::Message(gone().ephemeral(true))
    };
    tracing::debug!(custom_id = id, "component");
    if let Err(err) = component.create_response(&ctx.http, response).await {
        warn_send(&err, "response to a button or menu");
    }
}

fn message(rendered: &Rendered) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new()
        .embeds(rendered.embeds())
        .components(rendered.components())
        .allowed_mentions(render::no_mentions())
}

/// For a button whose topic has left the knowledge base since the message was sent.
fn gone() -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new()
        .content(
            "That topic is no longer in my knowledge base. Use `/topics` to browse what I know.",
        )
        .allowed_mentions(render::no_mentions())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: u64 = 1000;

    fn message(content: &str, guild: bool) -> Message {
        let mut msg: Message = serde_json::from_value(serde_json::json!({
            "id": "1", "channel_id": "20", "author": {"id": "5", "username": "asker"},
            "content": content, "timestamp": "2024-01-01T00:00:00+00:00", "tts": false,
            "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": [], "pinned": false, "type": 0
        }))
        .expect("a valid message");
        if guild {
            msg.guild_id = Some(30.into());
        }
        msg
    }

    #[test]
    fn mentions_take_the_text_after_the_mention() {
        let msg = message("<@1000> what is calcinosis cutis?", true);
        assert_eq!(
            route(&msg, ME.into(), &[]),
            Route::Mention("what is calcinosis cutis?".into())
        );
        let msg = message("hey <@!1000>   does it hurt <@&77> <#88>", true);
        assert_eq!(
            route(&msg, ME.into(), &[]),
            Route::Mention("does it hurt".into())
        );
        let msg = message("is it serious? <@1000>", true);
        assert_eq!(
            route(&msg, ME.into(), &[]),
            Route::Mention("is it serious?".into())
        );
        let msg = message("<@1000>", true);
        assert_eq!(route(&msg, ME.into(), &[]), Route::Mention(String::new()));
    }

    #[test]
    fn direct_messages_are_questions() {
        let msg = message("what is calcinosis cutis?", false);
        assert_eq!(
            route(&msg, ME.into(), &[]),
            Route::Direct("what is calcinosis cutis?".into())
        );
    }

    #[test]
    fn auto_answer_only_in_listed_channels() {
        let msg = message("what is calcinosis cutis?", true);
        assert_eq!(
            route(&msg, ME.into(), &[20]),
            Route::Auto("what is calcinosis cutis?".into())
        );
        assert!(matches!(route(&msg, ME.into(), &[21]), Route::Ignore(_)));
    }

    #[test]
    fn never_bots_webhooks_system_or_itself() {
        let mut msg = message("<@1000> what is it?", true);
        msg.author.bot = true;
        assert!(matches!(route(&msg, ME.into(), &[20]), Route::Ignore(_)));

        let mut msg = message("<@1000> what is it?", false);
        msg.author.id = ME.into();
        assert!(matches!(route(&msg, ME.into(), &[20]), Route::Ignore(_)));

        let mut msg = message("<@1000> what is it?", true);
        msg.webhook_id = Some(9.into());
        assert!(matches!(route(&msg, ME.into(), &[20]), Route::Ignore(_)));

        let mut msg = message("<@1000> what is it?", true);
        msg.kind = MessageType::MemberJoin;
        assert!(matches!(route(&msg, ME.into(), &[20]), Route::Ignore(_)));
    }

    #[test]
    fn clean_keeps_emoji_names_and_drops_markup() {
        assert_eq!(clean("hi <@123> <:smile:456>  there"), "hi smile there");
    }
}
