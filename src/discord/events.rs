//! Gateway events: messages (mentions, direct messages, auto-answer channels) and clicks on the
//! buttons and menus the bot's messages carry.
//!
//! `route` says whether a message is for the bot and cuts the question out of it, as a plain
//! function of the message, so the rules (never bots, webhooks, system messages or itself) are
//! tested without a connection; the question then takes the one answer path, `respond`.

use std::sync::{Arc, LazyLock};

use regex::Regex;
use serenity::all::{
    ComponentInteraction, ComponentInteractionDataKind, Context, EventHandler, Guild, Interaction,
    Message, MessageType, Ready, UnavailableGuild, UserId,
};

use super::ids::ComponentId;
use super::respond::{respond, Asked, Place, Query};
use super::send::{Body, Priority, Response, Target};
use super::{feedback, moderators, pages, reply, State};
use crate::storage::Day;

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

    /// Each server's own auto-answer channels, so `/help` tells each server its own truth,
    /// and its settings, loaded in the background; a server the bot is back in is no longer
    /// due for deletion.
    async fn guild_create(&self, _ctx: Context, guild: Guild, _is_new: Option<bool>) {
        let channels = guild.channels.keys().map(|c| c.get());
        self.state.learn_guild(guild.id.get(), channels);
        self.state.load_settings(guild.id.get());
    }

    /// The bot was removed from a server (not an outage, which Discord marks `unavailable`):
    /// the server's data is deleted 30 days later, unless the bot is added back before.
    async fn guild_delete(&self, _ctx: Context, gone: UnavailableGuild, _full: Option<Guild>) {
        if gone.unavailable {
            return;
        }
        let guild = gone.id.get();
        self.state.forget_guild(guild);
        if let Some(storage) = self.state.storage() {
            let store = storage.store.clone();
            tokio::spawn(async move {
                if let Err(err) = store.server_removed(guild, Day::today()).await {
                    tracing::warn!(%err, guild, "could not note that the bot left a server; its data stays until it is forgotten");
                }
            });
        }
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
    /// A message in an auto-answer channel: all of it, answered only if the core is sure.
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
    let guild = msg.guild_id.map(|g| g.get());
    let auto_answer = state.answers_unasked_in(guild);
    let (text, place) = match route(msg, me, &auto_answer) {
        Route::Ignore(why) => {
            tracing::trace!(why, message = %msg.id, "not answering");
            return;
        }
        Route::Mention(text) => (text, Place::Mention),
        Route::Direct(text) => (text, Place::Direct),
        Route::Auto(text) => (text, Place::Auto),
    };
    let asked = Asked {
        user: msg.author.id.get(),
        server: guild,
        place,
        query: Query::Ask(&text),
        target: Target::Reply {
            channel: msg.channel_id,
            message: msg.id,
        },
    };
    respond(state, &state.sender(&ctx.http), asked).await;
}

/// A click on a button or a choice in a menu of one of the bot's messages.
async fn on_component(ctx: &Context, state: &State, component: &ComponentInteraction) {
    let kb = state.bot.knowledge();
    let value = match &component.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => values.first().map(String::as_str),
        _ => None,
    };
    let id = ComponentId::parse(&component.data.custom_id);
    tracing::debug!(custom_id = %component.data.custom_id, "component");
    // A related topic or a clarify choice is shown to whoever clicked, so clicks never pile up
    // in the channel; the `/topics` browser (itself private) changes in place.
    let shown = match id {
        Some(ComponentId::Show(entry)) => state
            .bot
            .show(&entry)
            .map(|reply| (reply::reply(&reply, kb), Response::New { ephemeral: true })),
        Some(ComponentId::Theme) => value
            .and_then(|theme| pages::theme(kb, theme))
            .map(|page| (page, Response::Update)),
        Some(ComponentId::Pick(_)) => value
            .and_then(|entry| state.bot.show(entry))
            .map(|reply| (pages::browsed(kb, &reply), Response::Update)),
        Some(ComponentId::Vote { helpful, entry }) => {
            let ack = feedback::vote(
                state,
                component.guild_id.map(|g| g.get()),
                component.message.id.get(),
                component.user.id.get(),
                &entry,
                helpful,
            );
            let response = Response::New { ephemeral: true };
            let _ = state
                .sender(&ctx.http)
                .deliver(
                    target(component),
                    Body::Text(ack),
                    response,
                    Priority::Normal,
                )
                .await;
            return;
        }
        Some(
            id @ (ComponentId::UnansweredPage(_)
            | ComponentId::UnansweredDelete(_)
            | ComponentId::Forget),
        ) => {
            moderators::on_component(ctx, state, component, id).await;
            return;
        }
        None => None,
    };
    let target = target(component);
    let sender = state.sender(&ctx.http);
    let _ = match &shown {
        Some((rendered, response)) => {
            sender
                .deliver(
                    target,
                    Body::Rendered(rendered),
                    *response,
                    Priority::Normal,
                )
                .await
        }
        // A topic that has left the knowledge base since the message was sent, or an id this
        // bot never made.
        None => {
            let gone = kb.interface.gone.trim();
            let response = Response::New { ephemeral: true };
            sender
                .deliver(target, Body::Text(gone), response, Priority::Normal)
                .await
        }
    };
}

/// The interaction a click answers, as a send target.
pub fn target(component: &ComponentInteraction) -> Target<'_> {
    Target::Interaction {
        id: component.id,
        token: &component.token,
    }
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
