//! The application (slash) commands, with poise: `/ask`, `/topic`, `/topics`, `/about`, `/help`.
//!
//! `/ask` and `/topic` take the one answer path (`respond`), as mentions and DMs do; `/topics`,
//! `/about` and `/help` send one of the bot's pages (`pages`). Everything goes out through the
//! one send path (`send`). They are registered on READY: in one server when `DISCORD_GUILD_ID` is
//! set (they appear at once, for trying the bot out), otherwise globally.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use serenity::all::{AutocompleteChoice, CreateAutocompleteResponse, GuildId};

use super::message::{fit, limits};
use super::pages;
use super::respond::{respond, Asked, Place, Query};
use super::send::{self, Body, Lost, Priority, Response, Target};
use super::State;
use crate::knowledge::KnowledgeBase;
use crate::search;

pub type Error = serenity::Error;
pub type Data = Arc<State>;
pub type AppContext<'a> = poise::ApplicationContext<'a, Data, Error>;
pub type Command = poise::Command<Data, Error>;

/// Every command, in the order `/help` lists them.
pub fn all() -> Vec<Command> {
    vec![
        ask(),
        topic(),
        topics(),
        about(),
        help(),
        super::moderators::settings(),
        super::moderators::unanswered(),
        super::moderators::stats(),
    ]
}

/// The poise framework: the commands, registered on READY, and errors logged, not shown.
/// `register`: whether to register them on READY (off when `calcibot register` does it once
/// for several processes).
pub fn framework(state: Data, guild: Option<u64>, register: bool) -> poise::Framework<Data, Error> {
    let options = poise::FrameworkOptions {
        commands: all(),
        on_error: |error| Box::pin(on_error(error)),
        allowed_mentions: Some(send::no_mentions()),
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
            if register {
                let _ = self::register(&ctx.http, &framework.options().commands, guild).await;
            }
            Ok(state)
        })
    })
}

/// Registers the commands; a failure is logged with what to do (and returned, for
/// `calcibot register`), and `serve` carries on with mentions and DMs rather than stop.
pub async fn register(
    http: &serenity::all::Http,
    commands: &[Command],
    guild: Option<u64>,
) -> Result<(), Error> {
    let result = match guild {
        Some(id) => poise::builtins::register_in_guild(http, commands, GuildId::new(id)).await,
        None => poise::builtins::register_globally(http, commands).await,
    };
    let names: Vec<&str> = commands.iter().map(|c| c.name.as_ref()).collect();
    match (&result, guild) {
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
    result
}

async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::ArgumentParse { error, ctx, .. } => {
            tracing::debug!(%error, command = %ctx.command().name, "could not read the options");
            if let poise::Context::Application(ctx) = ctx {
                let note = "I could not read that command's options. Please try it again.";
                let _ = deliver(ctx, Body::Text(note), true).await;
            }
        }
        other => {
            if let Err(err) = poise::builtins::on_error(other).await {
                tracing::warn!(%err, "could not handle a command error");
            }
        }
    }
}

/// The interaction a command answers, as a send target.
fn target<'a>(ctx: &'a AppContext<'_>) -> Target<'a> {
    Target::Interaction {
        id: ctx.interaction.id,
        token: &ctx.interaction.token,
    }
}

/// Sends one of the bot's pages (or a note) as the command's response, through the one send
/// path, and tells poise the interaction is answered.
pub(super) async fn deliver(
    ctx: AppContext<'_>,
    body: Body<'_>,
    ephemeral: bool,
) -> Result<(), Lost> {
    let sender = ctx.data().sender(&ctx.serenity_context().http);
    let response = Response::New { ephemeral };
    let sent = sender
        .deliver(target(&ctx), body, response, Priority::Normal)
        .await;
    ctx.has_sent_initial_response.store(true, Ordering::SeqCst);
    sent
}

/// A question or topic, through the one answer path.
async fn answer(ctx: AppContext<'_>, query: Query<'_>, private: bool) {
    let state = ctx.data();
    let asked = Asked {
        user: ctx.interaction.user.id.get(),
        server: ctx.interaction.guild_id.map(|g| g.get()),
        place: Place::Command { private },
        query,
        target: target(&ctx),
    };
    respond(state, &state.sender(&ctx.serenity_context().http), asked).await;
    ctx.has_sent_initial_response.store(true, Ordering::SeqCst);
}

/// Ask a question about calcium deposits in the skin (calcinosis cutis)
#[poise::command(slash_command)]
async fn ask(
    ctx: AppContext<'_>,
    #[description = "Your question, in your own words"]
    #[max_length = 1000]
    question: String,
    #[description = "Only you see the answer (default: everyone in the channel sees it)"]
    private: Option<bool>,
) -> Result<(), Error> {
    answer(ctx, Query::Ask(&question), private.unwrap_or(false)).await;
    Ok(())
}

/// Show one topic: start typing its name and pick it from the list
#[poise::command(slash_command)]
async fn topic(
    ctx: AppContext<'_>,
    #[description = "The topic: start typing and pick one from the list"]
    #[autocomplete = "autocomplete_topic"]
    #[max_length = 100]
    name: String,
    #[description = "Only you see the answer (default: everyone in the channel sees it)"]
    private: Option<bool>,
) -> Result<(), Error> {
    answer(ctx, Query::Topic(&name), private.unwrap_or(false)).await;
    Ok(())
}

async fn autocomplete_topic(ctx: AppContext<'_>, partial: &str) -> CreateAutocompleteResponse {
    let kb = ctx.data().bot.knowledge();
    CreateAutocompleteResponse::new().set_choices(topic_choices(kb, partial))
}

/// Browse every topic by theme
#[poise::command(slash_command)]
async fn topics(ctx: AppContext<'_>) -> Result<(), Error> {
    let page = pages::topics(ctx.data().bot.knowledge());
    let _ = deliver(ctx, Body::Rendered(&page), true).await;
    Ok(())
}

/// What this bot is and is not, its sources, and what it stores
#[poise::command(slash_command)]
async fn about(ctx: AppContext<'_>) -> Result<(), Error> {
    let state = ctx.data();
    let guild = ctx.interaction.guild_id.map(|g| g.get());
    let settings = state.settings_in(guild);
    let cooldown = std::time::Duration::from_secs(u64::from(settings.cooldown_seconds.value));
    let unanswered = settings.unanswered.then_some(settings.retention_days);
    let page = pages::about(state.bot.knowledge(), cooldown, guild.is_some(), unanswered);
    let _ = deliver(ctx, Body::Rendered(&page), true).await;
    Ok(())
}

/// How to ask, with examples
#[poise::command(slash_command)]
async fn help(ctx: AppContext<'_>) -> Result<(), Error> {
    let state = ctx.data();
    let guild = ctx.interaction.guild_id.map(|g| g.get());
    let page = pages::help(state.bot.knowledge(), &state.auto_answer_in(guild));
    let _ = deliver(ctx, Body::Rendered(&page), true).await;
    Ok(())
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
                fit(&e.title, limits::CHOICE_NAME).into_owned(),
                e.id.clone(),
            )
        })
        .collect()
}
