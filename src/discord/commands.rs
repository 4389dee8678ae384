//! The application (slash) commands, with poise: `/ask`, `/topic`, `/topics`, `/about`, `/help`.
//!
//! Each command reads its options, asks the core, and sends the rendered reply through the
//! interaction callback. They are registered on READY: in one server when `DISCORD_GUILD_ID` is
//! set (they appear at once, for trying the bot out), otherwise globally.

use std::sync::Arc;
use std::time::Instant;

use poise::CreateReply;
use serenity::all::{AutocompleteChoice, CreateAutocompleteResponse, GuildId};

use super::cooldown::Verdict;
use super::render::{self, limits, Rendered};
use super::State;
use crate::knowledge::KnowledgeBase;
use crate::question::{truncate, QuestionError, MAX_QUESTION_CHARS};
use crate::reply::ReplyKind;
use crate::search;

pub type Error = serenity::Error;
pub type Data = Arc<State>;
pub type Context<'a> = poise::Context<'a, Data, Error>;
pub type Command = poise::Command<Data, Error>;

/// Every command, in the order `/help` lists them.
pub fn all() -> Vec<Command> {
    vec![ask(), topic(), topics(), about(), help()]
}

/// The poise framework: the commands, registered on READY, and errors logged, not shown.
pub fn framework(state: Data, guild: Option<u64>) -> poise::Framework<Data, Error> {
    let options = poise::FrameworkOptions {
        commands: all(),
        on_error: |error| Box::pin(on_error(error)),
        allowed_mentions: Some(render::no_mentions()),
        // Owners are for owner-only commands, which the bot has none of; looking them up
        // would cost a request at every start.
        initialize_owners: false,
        // Mentions are questions for `events`, not prefix commands.
        prefix_options: poise::PrefixFrameworkOptions {
            mention_as_prefix: false,
            ..Default::default()
        },
        ..Default::default()
    };
    // `Framework::new` rather than the builder, which would switch `initialize_owners` back on.
    poise::Framework::new(options, move |ctx, _ready, framework| {
        Box::pin(async move {
            register(ctx, &framework.options().commands, guild).await;
            Ok(state)
        })
    })
}

/// Registers the commands; a failure is logged with what to do, and the bot carries on with
/// mentions and DMs rather than stop.
async fn register(ctx: &serenity::all::Context, commands: &[Command], guild: Option<u64>) {
    let result = match guild {
        Some(id) => poise::builtins::register_in_guild(ctx, commands, GuildId::new(id)).await,
        None => poise::builtins::register_globally(ctx, commands).await,
    };
    let names: Vec<&str> = commands.iter().map(|c| c.name.as_ref()).collect();
    match (result, guild) {
        (Ok(()), Some(id)) => {
            tracing::info!(guild = id, commands = ?names, "registered the commands in one server")
        }
        (Ok(()), None) => tracing::info!(
            commands = ?names,
            "registered the commands globally (new ones can take up to an hour to appear)"
        ),
        (Err(err), Some(id)) => tracing::error!(
            %err,
            guild = id,
            "could not register the commands in DISCORD_GUILD_ID: check the id, and that the bot was invited to that server with the applications.commands scope (see the README's invite link)"
        ),
        (Err(err), None) => tracing::error!(%err, "could not register the commands globally"),
    }
}

async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            super::events::warn_send(&error, &format!("reply to /{}", ctx.command().name));
        }
        poise::FrameworkError::ArgumentParse { error, ctx, .. } => {
            tracing::debug!(%error, command = %ctx.command().name, "could not read the options");
            let reply = CreateReply::default()
                .content("I could not read that command's options. Please try it again.")
                .ephemeral(true)
                .allowed_mentions(render::no_mentions());
            if let Err(err) = ctx.send(reply).await {
                super::events::warn_send(&err, "note about the options");
            }
        }
        other => {
            if let Err(err) = poise::builtins::on_error(other).await {
                tracing::warn!(%err, "could not handle a command error");
            }
        }
    }
}

/// Sends `rendered` as the interaction's reply.
async fn send(ctx: Context<'_>, rendered: &Rendered, ephemeral: bool) -> Result<(), Error> {
    let mut reply = CreateReply::default()
        .components(rendered.components())
        .ephemeral(ephemeral)
        .allowed_mentions(render::no_mentions());
    for embed in rendered.embeds() {
        reply = reply.embed(embed);
    }
    ctx.send(reply).await?;
    Ok(())
}

async fn send_text(ctx: Context<'_>, text: String) -> Result<(), Error> {
    ctx.send(
        CreateReply::default()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(render::no_mentions()),
    )
    .await?;
    Ok(())
}

/// Whether a public reply may go out now; otherwise tells the user, privately, how long to wait.
/// Urgent and crisis advice is never held back.
async fn public_allowed(ctx: Context<'_>, kind: ReplyKind) -> Result<bool, Error> {
    let cooldown = &ctx.data().cooldown;
    let user = ctx.author().id.get();
    if matches!(kind, ReplyKind::Urgent | ReplyKind::Crisis) {
        cooldown.start(user, Instant::now());
        return Ok(true);
    }
    match cooldown.check(user, Instant::now()) {
        Verdict::Go => Ok(true),
        Verdict::Notice { wait } => {
            send_text(ctx, render::cooldown_notice(wait)).await?;
            Ok(false)
        }
        Verdict::Quiet => {
            let wait = cooldown.period();
            send_text(ctx, render::cooldown_notice(wait)).await?;
            Ok(false)
        }
    }
}

/// Ask a question about calcium deposits in the skin (calcinosis cutis)
#[poise::command(slash_command)]
async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, in your own words"]
    #[max_length = 1000]
    question: String,
    #[description = "Only you see the answer (default: everyone in the channel sees it)"]
    private: Option<bool>,
) -> Result<(), Error> {
    let private = private.unwrap_or(false);
    let text = super::events::clean(&question);
    let question = truncate(&text, MAX_QUESTION_CHARS);
    if question.is_empty() {
        return send_text(ctx, QuestionError::Empty.to_string()).await;
    }
    tracing::debug!(private, question, "/ask");
    let (rendered, kind) = {
        let reply = ctx.data().bot.ask(question);
        (render::reply(&reply), reply.kind)
    };
    if !private && !public_allowed(ctx, kind).await? {
        return Ok(());
    }
    send(ctx, &rendered, private).await
}

/// Show one topic: start typing its name and pick it from the list
#[poise::command(slash_command)]
async fn topic(
    ctx: Context<'_>,
    #[description = "The topic: start typing and pick one from the list"]
    #[autocomplete = "autocomplete_topic"]
    #[max_length = 100]
    name: String,
    #[description = "Only you see the answer (default: everyone in the channel sees it)"]
    private: Option<bool>,
) -> Result<(), Error> {
    let private = private.unwrap_or(false);
    let (rendered, kind) = {
        let bot = &ctx.data().bot;
        let kb = bot.knowledge();
        let name = name.trim();
        // A picked choice is an entry id; typed text is looked up by title, then asked.
        let reply = search::exact(kb, name)
            .and_then(|entry| bot.show(&entry.id))
            .unwrap_or_else(|| bot.ask(truncate(name, MAX_QUESTION_CHARS)));
        (render::reply(&reply), reply.kind)
    };
    if !private && !public_allowed(ctx, kind).await? {
        return Ok(());
    }
    send(ctx, &rendered, private).await
}

async fn autocomplete_topic(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let kb = ctx.data().bot.knowledge();
    CreateAutocompleteResponse::new().set_choices(topic_choices(kb, partial))
}

/// Browse every topic by theme
#[poise::command(slash_command)]
async fn topics(ctx: Context<'_>) -> Result<(), Error> {
    let rendered = render::topics(ctx.data().bot.knowledge());
    send(ctx, &rendered, true).await
}

/// What this bot is and is not, its sources, and what it stores
#[poise::command(slash_command)]
async fn about(ctx: Context<'_>) -> Result<(), Error> {
    let state = ctx.data();
    let rendered = render::about(state.bot.knowledge(), state.cooldown.period());
    send(ctx, &rendered, true).await
}

/// How to ask, with examples
#[poise::command(slash_command)]
async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let state = ctx.data();
    let rendered = render::help(state.bot.knowledge(), !state.auto_answer.is_empty());
    send(ctx, &rendered, true).await
}

/// The autocomplete choices for `/topic`: the knowledge base's topic search, at most 25
/// (Discord's limit), each id short enough to be an option value.
pub fn topic_choices(kb: &KnowledgeBase, partial: &str) -> Vec<AutocompleteChoice> {
    search::topics(kb, partial)
        .into_iter()
        .filter(|e| e.id.chars().count() <= limits::OPTION_VALUE)
        .take(limits::AUTOCOMPLETE_CHOICES)
        .map(|e| {
            AutocompleteChoice::new(
                render::fit(&e.title, limits::CHOICE_NAME).into_owned(),
                e.id.clone(),
            )
        })
        .collect()
}
