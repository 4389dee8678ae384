//! The moderators' commands: `/settings`, `/unanswered` and `/stats`, and the buttons of their
//! replies.
//!
//! Discord shows these only to members with Manage Server (`default_member_permissions`), and
//! only in servers (`guild_only`); a server's admins can change who sees them under Server
//! Settings -> Integrations. Every reply is private. A change is stored first and then put in
//! the settings cache, so the answer path uses it at once.

use std::fmt::Write as _;

use serenity::all::{ChannelId, ComponentInteraction, Context};

use super::commands::{AppContext, Error};
use super::events::target;
use super::ids::ComponentId;
use super::message::{fit_total, limits, lines_within, Button, Card, Field, Rendered, Row};
use super::send::{Body, Lost, Priority, Response};
use super::{State, Storage};
use crate::storage::chart;
use crate::storage::settings::ChangeError;
use crate::storage::{Day, Defaults, QuestionPage, Scope, Settings, Stats, Store};

/// Questions shown on one page of `/unanswered`: one delete button each, in one row.
const PER_PAGE: u32 = 5;

/// The reply when there is no database to read or change.
const NO_DATABASE: &str = "The database is unavailable just now, so settings cannot be read or changed and nothing is counted. The bot keeps answering with the operator's defaults; please try again later.";

/// What a change of settings answers.
type Changed = Result<Settings, ChangeError>;

/// Sends a private reply to the command `ctx`, through the one send path.
async fn private(ctx: AppContext<'_>, body: Body<'_>) -> Result<(), Lost> {
    super::commands::deliver(ctx, body, true).await
}

/// The server and the database, or the reason the command cannot run (already replied).
async fn context<'a>(ctx: AppContext<'a>) -> Option<(u64, &'a Storage)> {
    let Some(guild) = ctx.interaction.guild_id.map(|g| g.get()) else {
        let _ = private(ctx, Body::Text("This command works in a server only.")).await;
        return None;
    };
    match ctx.data().storage() {
        Some(storage) => Some((guild, storage)),
        None => {
            let _ = private(ctx, Body::Text(NO_DATABASE)).await;
            None
        }
    }
}

/// Stores a changed setting in the cache and tells the moderator what holds now.
/// The steps every `/settings` change takes: the server and its storage (or a private word
/// saying why not), the operator's defaults there, the change `set` makes, and the private
/// reply saying what now holds.
async fn change<'a, F, Fut>(ctx: AppContext<'a>, set: F) -> Result<(), Error>
where
    F: FnOnce(&'a Store, u64, Defaults) -> Fut,
    Fut: std::future::Future<Output = Changed>,
{
    let Some((guild, storage)) = context(ctx).await else {
        return Ok(());
    };
    let defaults = ctx.data().defaults_in(guild);
    let result = set(&storage.store, guild, defaults).await;
    changed(ctx, guild, result).await
}

async fn changed(ctx: AppContext<'_>, guild: u64, result: Changed) -> Result<(), Error> {
    let state = ctx.data();
    let text = match result {
        Ok(settings) => {
            let settings = state.settings.put(guild, settings);
            format!("Saved.\n\n{}", describe(state, guild, &settings))
        }
        Err(ChangeError::Setting(err)) => err.to_string(),
        Err(ChangeError::Storage(err)) => {
            tracing::warn!(%err, "could not store a setting");
            NO_DATABASE.to_string()
        }
    };
    let page = Rendered {
        cards: vec![Card::info(Some("Settings"), &text)],
        rows: Vec::new(),
    };
    let _ = private(ctx, Body::Rendered(&page)).await;
    Ok(())
}

/// Every setting of `guild`, and whether the server chose it or it is the operator's default.
fn describe(state: &State, guild: u64, settings: &Settings) -> String {
    let whose = |by_server: bool| {
        if by_server {
            "set here"
        } else {
            "the operator's default"
        }
    };
    let listed = state.auto_answer_in(Some(guild));
    let channels = if listed.is_empty() {
        "none".to_string()
    } else {
        let list: Vec<String> = listed.iter().map(|c| format!("<#{c}>")).collect();
        list.join(", ")
    };
    let mut text = String::new();
    let _ = writeln!(
        text,
        "**Auto-answer channels** ({}): {channels}",
        whose(settings.auto_answer.by_server)
    );
    if !state.message_content && !listed.is_empty() {
        text.push_str("  (The bot's operator has not asked Discord for the Message Content intent, `MESSAGE_CONTENT=on`, so the bot cannot read messages there that do not mention it.)\n");
    }
    let _ = writeln!(
        text,
        "**Cooldown** ({}): {} seconds",
        whose(settings.cooldown_seconds.by_server),
        settings.cooldown_seconds.value
    );
    let _ = writeln!(
        text,
        "**Support line** ({}): {}",
        whose(settings.support_line.by_server),
        settings.support_line.value.as_deref().unwrap_or("none")
    );
    if settings.unanswered {
        let _ = writeln!(
            text,
            "**Unanswered questions**: kept for {} days (text with mentions removed, the kind of reply and the day; never who asked or where)",
            settings.retention_days
        );
    } else {
        text.push_str("**Unanswered questions**: not kept\n");
    }
    text
}

/// Change how calcibot behaves in this server (moderators)
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands(
        "show",
        "auto_answer",
        "cooldown",
        "support_line",
        "unanswered_switch",
        "forget"
    ),
    subcommand_required
)]
pub async fn settings(_ctx: AppContext<'_>) -> Result<(), Error> {
    Ok(())
}

/// Show this server's settings and where each comes from
#[poise::command(slash_command, guild_only)]
async fn show(ctx: AppContext<'_>) -> Result<(), Error> {
    let Some(guild) = ctx.interaction.guild_id.map(|g| g.get()) else {
        return Ok(());
    };
    let state = ctx.data();
    // Read from the database when it is there: what is stored is what holds.
    let mut note = None;
    if let Some(storage) = state.storage() {
        match state.settings.load(&storage.store, guild).await {
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(%err, "could not read a server's settings");
                note = Some(NO_DATABASE);
            }
        }
    } else {
        note = Some(NO_DATABASE);
    }
    let mut text = describe(state, guild, &state.settings.get(guild));
    if let Some(note) = note {
        text.push('\n');
        text.push_str(note);
    }
    let page = Rendered {
        cards: vec![Card::info(Some("Settings"), &text)],
        rows: Vec::new(),
    };
    let _ = private(ctx, Body::Rendered(&page)).await;
    Ok(())
}

/// Channels where the bot answers clear questions without a mention
#[poise::command(
    slash_command,
    guild_only,
    rename = "auto-answer",
    subcommands("auto_answer_add", "auto_answer_remove"),
    subcommand_required
)]
async fn auto_answer(_ctx: AppContext<'_>) -> Result<(), Error> {
    Ok(())
}

/// Answer clear questions in this channel without a mention
#[poise::command(slash_command, guild_only, rename = "add")]
async fn auto_answer_add(
    ctx: AppContext<'_>,
    #[description = "The channel"] channel: ChannelId,
) -> Result<(), Error> {
    set_channel(ctx, channel, true).await
}

/// Stop answering without a mention in this channel
#[poise::command(slash_command, guild_only, rename = "remove")]
async fn auto_answer_remove(
    ctx: AppContext<'_>,
    #[description = "The channel"] channel: ChannelId,
) -> Result<(), Error> {
    set_channel(ctx, channel, false).await
}

async fn set_channel(ctx: AppContext<'_>, channel: ChannelId, on: bool) -> Result<(), Error> {
    change(ctx, |store, guild, defaults| async move {
        store
            .set_auto_answer(guild, channel.get(), on, &defaults)
            .await
            .map_err(ChangeError::from)
    })
    .await
}

/// Seconds a member waits between two answers here (0: no wait)
#[poise::command(slash_command, guild_only)]
async fn cooldown(
    ctx: AppContext<'_>,
    #[description = "Seconds, 0 to 3600; leave out to go back to the operator's default"]
    #[min = 0]
    #[max = 3600]
    seconds: Option<u32>,
) -> Result<(), Error> {
    change(ctx, |store, guild, defaults| async move {
        store.set_cooldown(guild, seconds, &defaults).await
    })
    .await
}

/// The line shown under crisis and urgent replies here: a moderator contact or local helpline
#[poise::command(slash_command, guild_only, rename = "support-line")]
async fn support_line(
    ctx: AppContext<'_>,
    #[description = "Up to 300 characters; leave out to go back to the operator's default"]
    #[max_length = 300]
    text: Option<String>,
) -> Result<(), Error> {
    change(ctx, |store, guild, defaults| async move {
        store
            .set_support_line(guild, text.as_deref(), &defaults)
            .await
    })
    .await
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
enum Switch {
    #[name = "on"]
    On,
    #[name = "off"]
    Off,
}

/// Keep the questions the bot could not answer, for /unanswered (off deletes them)
#[poise::command(slash_command, guild_only, rename = "unanswered")]
async fn unanswered_switch(
    ctx: AppContext<'_>,
    #[description = "on: keep them; off: keep none and delete those kept"] keep: Switch,
    #[description = "How many days to keep them, 1 to 30 (default 14)"]
    #[min = 1]
    #[max = 30]
    days: Option<u32>,
) -> Result<(), Error> {
    let on = matches!(keep, Switch::On);
    change(ctx, |store, guild, defaults| async move {
        store.set_unanswered(guild, on, days, &defaults).await
    })
    .await
}

/// Delete everything calcibot stores for this server (asks to confirm)
#[poise::command(slash_command, guild_only)]
async fn forget(ctx: AppContext<'_>) -> Result<(), Error> {
    if context(ctx).await.is_none() {
        return Ok(());
    }
    let text = "This deletes everything calcibot stores for this server: its settings, auto-answer channels, usage and feedback counts, and kept questions. The bot then answers here with the operator's defaults. It cannot be undone.";
    let page = Rendered {
        cards: vec![Card::info(Some("Forget this server?"), text)],
        rows: vec![Row::Buttons(vec![Button {
            id: ComponentId::Forget,
            label: "Delete everything".to_string(),
            primary: true,
        }])],
    };
    let _ = private(ctx, Body::Rendered(&page)).await;
    Ok(())
}

/// The questions the bot could not answer here, if kept (see /settings unanswered)
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn unanswered(ctx: AppContext<'_>) -> Result<(), Error> {
    let Some((guild, storage)) = context(ctx).await else {
        return Ok(());
    };
    let page = unanswered_page(ctx.data(), storage, guild, 0).await;
    let _ = private(ctx, Body::Rendered(&page)).await;
    Ok(())
}

/// Page `page` of `guild`'s kept questions, with a delete button each and paging buttons.
async fn unanswered_page(state: &State, storage: &Storage, guild: u64, page: u32) -> Rendered {
    let settings = state.settings.get(guild);
    let mut found = storage.store.unanswered_page(guild, page, PER_PAGE).await;
    // Past the end (the last question of the last page was deleted): the page before.
    if let Ok(QuestionPage {
        questions, pages, ..
    }) = &found
    {
        if questions.is_empty() && page > 0 && *pages > 0 {
            found = storage
                .store
                .unanswered_page(guild, pages - 1, PER_PAGE)
                .await;
        }
    }
    let found = match found {
        Ok(found) => found,
        Err(err) => {
            tracing::warn!(%err, "could not read the unanswered questions");
            return Rendered {
                cards: vec![Card::info(None, NO_DATABASE)],
                rows: Vec::new(),
            };
        }
    };
    let title = "Questions the bot could not answer";
    if found.total == 0 {
        let text = if settings.unanswered {
            format!("None kept in the last {} days.", settings.retention_days)
        } else {
            "None: this server keeps none. `/settings unanswered on` starts keeping them (the text with mentions removed, the kind of reply and the day; never who asked or where).".to_string()
        };
        return Rendered {
            cards: vec![Card::info(Some(title), &text)],
            rows: Vec::new(),
        };
    }
    let mut card = Card::info(
        Some(title),
        &format!(
            "{} kept, page {} of {}. Each is deleted after {} days; the buttons delete one now.",
            found.total,
            found.page + 1,
            found.pages.max(1),
            settings.retention_days
        ),
    );
    let mut deletes = Vec::new();
    for (i, question) in found.questions.iter().enumerate() {
        let closest = question
            .closest
            .as_deref()
            .map(|c| format!("\nclosest: `{c}`"))
            .unwrap_or_default();
        card.fields.push(Field {
            name: format!("{}. {} ({})", i + 1, question.day, question.kind.as_str()),
            value: lines_within(
                std::iter::once(format!("{}{closest}", question.text)),
                limits::FIELD_VALUE,
            ),
            inline: false,
        });
        deletes.push(Button {
            id: ComponentId::UnansweredDelete(question.id),
            label: format!("Delete {}", i + 1),
            primary: false,
        });
    }
    let mut rendered = Rendered {
        cards: vec![card],
        rows: vec![Row::Buttons(deletes)],
    };
    fit_total(&mut rendered.cards);
    let mut paging = Vec::new();
    if found.page > 0 {
        paging.push(Button {
            id: ComponentId::UnansweredPage(i64::from(found.page - 1)),
            label: "Newer".to_string(),
            primary: false,
        });
    }
    if found.page + 1 < found.pages {
        paging.push(Button {
            id: ComponentId::UnansweredPage(i64::from(found.page + 1)),
            label: "Older".to_string(),
            primary: false,
        });
    }
    if !paging.is_empty() {
        rendered.push_row(Row::Buttons(paging));
    }
    rendered
}

/// This server's figures: questions per day, top entries, helpfulness, and safety counts
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn stats(
    ctx: AppContext<'_>,
    #[description = "How many days up to today (default 30)"]
    #[min = 1]
    #[max = 366]
    days: Option<u32>,
) -> Result<(), Error> {
    let Some((guild, storage)) = context(ctx).await else {
        return Ok(());
    };
    let days = days.unwrap_or(30);
    let stats = match storage
        .store
        .stats(Scope::Server(guild), days, Day::today())
        .await
    {
        Ok(stats) => stats,
        Err(err) => {
            tracing::warn!(%err, "could not read the figures");
            let _ = private(ctx, Body::Text(NO_DATABASE)).await;
            return Ok(());
        }
    };
    let page = stats_page(&stats);
    match chart::questions_per_day(&stats) {
        Ok(png) => {
            let body = Body::Attached {
                rendered: &page,
                name: "stats.png",
                bytes: &png,
            };
            let _ = private(ctx, body).await;
        }
        Err(err) => {
            tracing::warn!(%err, "could not draw the chart");
            let _ = private(ctx, Body::Rendered(&page)).await;
        }
    }
    Ok(())
}

/// The figures as an embed (the chart goes in as its image).
pub fn stats_page(stats: &Stats) -> Rendered {
    let k = &stats.kinds;
    let text = format!(
        "{} questions from {} to {}. Only counts are kept: no message text, no user ids.",
        stats.questions(),
        stats.from,
        stats.to
    );
    let mut fields = vec![Field {
        name: "Replies".to_string(),
        value: k.summary(),
        inline: false,
    }];
    if !stats.top_entries.is_empty() {
        let lines = stats
            .top_entries
            .iter()
            .map(|e| format!("`{}`: {}", e.entry, e.answers));
        fields.push(Field {
            name: "Top entries".to_string(),
            value: lines_within(lines, limits::FIELD_VALUE),
            inline: false,
        });
    }
    if !stats.feedback.is_empty() {
        let lines = stats.feedback.iter().map(|f| {
            format!(
                "`{}`: {:.0}% helpful ({} of {})",
                f.entry,
                f.helpful_share() * 100.0,
                f.helpful,
                f.helpful + f.not_helpful
            )
        });
        fields.push(Field {
            name: "Helpful share".to_string(),
            value: lines_within(lines, limits::FIELD_VALUE),
            inline: false,
        });
    }
    let mut cards = vec![Card {
        fields,
        ..Card::info(Some("Stats"), &text)
    }];
    fit_total(&mut cards);
    Rendered {
        cards,
        rows: Vec::new(),
    }
}

/// A click on a button of `/unanswered` or `/settings forget` (messages only their moderator
/// sees, since they were sent privately).
pub async fn on_component(
    ctx: &Context,
    state: &State,
    component: &ComponentInteraction,
    id: ComponentId,
) {
    let sender = state.sender(&ctx.http);
    let guild = component.guild_id.map(|g| g.get());
    let (Some(guild), Some(storage)) = (guild, state.storage()) else {
        let _ = sender
            .deliver(
                target(component),
                Body::Text(NO_DATABASE),
                Response::New { ephemeral: true },
                Priority::Normal,
            )
            .await;
        return;
    };
    let page = match id {
        ComponentId::UnansweredPage(page) => {
            let page = u32::try_from(page).unwrap_or(0);
            unanswered_page(state, storage, guild, page).await
        }
        ComponentId::UnansweredDelete(question) => {
            if let Err(err) = storage.store.delete_unanswered(guild, question).await {
                tracing::warn!(%err, "could not delete a kept question");
            }
            unanswered_page(state, storage, guild, 0).await
        }
        ComponentId::Forget => {
            let text = match storage.recorder.forget(guild).await {
                Ok(()) => {
                    state.settings.remove(guild);
                    "Done: nothing of this server is stored any more. The bot answers here with the operator's defaults."
                }
                Err(err) => {
                    tracing::warn!(%err, "could not forget a server");
                    NO_DATABASE
                }
            };
            Rendered {
                cards: vec![Card::info(Some("Forget this server"), text)],
                rows: Vec::new(),
            }
        }
        _ => return,
    };
    let _ = sender
        .deliver(
            target(component),
            Body::Rendered(&page),
            Response::Update,
            Priority::Normal,
        )
        .await;
}
