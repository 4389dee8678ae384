//! The one way the bot sends anything to Discord: replies to messages, interaction responses
//! (slash commands, buttons, menus), notices and pages all go through `Sender::deliver`, and
//! the conversion from a rendered message to what Discord reads lives here too.
//!
//! Why a send path of our own: a reply is the whole point of a message, and one HTTP 500 or
//! 429 must not lose it. A send is retried on 5xx, on 429 (after the `retry_after` Discord
//! gives) and on connection errors, with bounded backoff: at most three tries within about ten
//! seconds, or within the three seconds Discord gives an interaction to be answered. Safety
//! advice gets every try; other replies one retry fewer.
//!
//! It holds with serenity's rate limiter on or off. With it on (talking to Discord directly),
//! the request goes through serenity's limiter, which waits out a 429 itself; we add retries
//! for 5xx and dropped connections. With it off (`DISCORD_HTTP_PROXY`: a proxy owns the rate
//! limits), serenity would turn a 429 into an error and drop its `retry_after`, so the request
//! is sent on serenity's own client here, where the status and headers can be read.
//!
//! A send that finally fails is logged once, at warn, with its route and status: never the text.

use std::sync::Arc;
use std::time::Duration;

use serenity::all::{
    ButtonStyle, ChannelId, Colour, CreateActionRow, CreateAllowedMentions, CreateAttachment,
    CreateButton, CreateEmbed, CreateEmbedFooter, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateMessage, CreateSelectMenu, CreateSelectMenuKind,
    CreateSelectMenuOption, Http, InteractionId, MessageId, MessageReference,
};
use serenity::http::{HttpError, LightMethod, Multipart, MultipartUpload, Request, Route};
use tokio::time::Instant;

use super::message::{Card, Rendered, Row};

/// The wait before the second try, doubled before the third.
const FIRST_BACKOFF: Duration = Duration::from_millis(400);
/// Our own waits grow no longer than this. A server's `retry_after` is honoured as it is,
/// within the budget; beyond it, the send is given up rather than sent too early.
const MAX_BACKOFF: Duration = Duration::from_secs(4);
/// How long a reply to a message may take, all tries together.
const MESSAGE_BUDGET: Duration = Duration::from_secs(10);
/// Discord forgets an interaction it has not had a response to within three seconds.
const INTERACTION_BUDGET: Duration = Duration::from_millis(2_800);

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Urgent or crisis advice: every try there is.
    Alert,
    /// Anything else.
    Normal,
}

impl Priority {
    fn tries(self) -> u32 {
        match self {
            Priority::Alert => 3,
            Priority::Normal => 2,
        }
    }
}

/// Where a message goes.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// A reply to a message in a channel (a mention, a DM, an auto-answer channel).
    Reply {
        channel: ChannelId,
        message: MessageId,
    },
    /// The response to an interaction: a slash command, a button or a menu.
    Interaction { id: InteractionId, token: &'a str },
}

/// What is sent.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// A rendered message (embeds and components).
    Rendered(&'a Rendered),
    /// A short plain note (the cooldown notice, an error).
    Text(&'a str),
    /// A rendered message with an image file, shown in its first embed (the `/stats` chart).
    Attached {
        rendered: &'a Rendered,
        name: &'a str,
        bytes: &'a [u8],
    },
}

impl Body<'_> {
    /// The file sent with the message, if any.
    fn file(&self) -> Option<CreateAttachment> {
        match self {
            Body::Attached { name, bytes, .. } => Some(CreateAttachment::bytes(*bytes, *name)),
            _ => None,
        }
    }
}

/// How an interaction is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    /// A new message; `ephemeral` shows it only to the one who asked or clicked.
    New { ephemeral: bool },
    /// Replaces the message whose menu was used (browsing `/topics` in place).
    Update,
}

/// Why a send was given up.
#[derive(Debug)]
pub struct Lost {
    /// The last HTTP status, when the server answered at all.
    pub status: Option<u16>,
    /// Discord's JSON error code, when it sent one (50013: missing permissions, ...).
    pub code: Option<i64>,
}

/// The one send path.
#[derive(Debug, Clone)]
pub struct Sender {
    http: Arc<Http>,
    /// Serenity's own client, for sending around its disabled rate limiter (see the module
    /// docs); `None` when the limiter is on.
    direct: Option<reqwest::Client>,
}

impl Sender {
    /// A sender on `http`; `direct` is the client `http` was built with, given when serenity's
    /// rate limiter is off.
    pub fn new(http: Arc<Http>, direct: Option<reqwest::Client>) -> Sender {
        Sender { http, direct }
    }

    /// Sends `body` to `target`, retrying as the module docs say; `Err` once every try failed
    /// (already logged).
    pub async fn deliver(
        &self,
        target: Target<'_>,
        body: Body<'_>,
        response: Response,
        priority: Priority,
    ) -> Result<(), Lost> {
        let (route, bytes, budget, label) = match target {
            Target::Reply { channel, message } => (
                Route::ChannelMessages {
                    channel_id: channel,
                },
                json_bytes(&reply_message(body, message, channel)),
                MESSAGE_BUDGET,
                format!("POST /channels/{channel}/messages"),
            ),
            Target::Interaction { id, token } => (
                Route::InteractionResponse {
                    interaction_id: id,
                    token,
                },
                json_bytes(&interaction_response(body, response)),
                INTERACTION_BUDGET,
                // The token is a credential for the interaction: never logged.
                format!("POST /interactions/{id}/<token>/callback"),
            ),
        };
        let deadline = Instant::now() + budget;
        let tries = priority.tries();
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 1;
        let file = body.file();
        loop {
            let request = Request::new(route, LightMethod::Post);
            let request = match &file {
                // A file goes as a multipart form, the message as its `payload_json`.
                Some(file) => request.multipart(Some(Multipart {
                    upload: MultipartUpload::Attachments(vec![file.clone()]),
                    fields: Vec::new(),
                    payload_json: Some(String::from_utf8_lossy(&bytes).into_owned()),
                })),
                None => request.body(Some(bytes.clone())),
            };
            let outcome = self.try_once(request, deadline).await;
            let failure = match outcome {
                Ok(()) => {
                    if attempt > 1 {
                        tracing::info!(route = %label, attempt, "sent after a retry");
                    }
                    return Ok(());
                }
                Err(failure) => failure,
            };
            let wait = match failure.retry {
                Retry::No => None,
                Retry::After(Some(asked)) => Some(asked),
                Retry::After(None) => Some(backoff.min(MAX_BACKOFF)),
            };
            let wait = wait.filter(|w| attempt < tries && Instant::now() + *w < deadline);
            let Some(wait) = wait else {
                warn_lost(&label, &failure);
                return Err(Lost {
                    status: failure.status,
                    code: failure.code,
                });
            };
            tracing::debug!(route = %label, attempt, status = ?failure.status, ?wait, "send failed; trying again");
            tokio::time::sleep(wait).await;
            backoff *= 2;
            attempt += 1;
        }
    }

    /// One try, given up at `deadline`: serenity's limiter (when on) waits out a 429 itself, as
    /// often as it is told to, and a connection can hang; neither may hold a reply longer.
    async fn try_once(&self, request: Request<'_>, deadline: Instant) -> Result<(), Failure> {
        let attempt = async {
            match &self.direct {
                Some(client) => {
                    let builder = request
                        .build(client, self.http.token(), self.http.proxy.as_deref())
                        .map_err(|err| Failure::from_serenity(&err))?;
                    let built = builder.build().map_err(|err| Failure::connection(&err))?;
                    match client.execute(built).await {
                        Ok(response) => Failure::check(response).await,
                        Err(err) => Err(Failure::connection(&err)),
                    }
                }
                None => match self.http.request(request).await {
                    Ok(_) => Ok(()),
                    Err(err) => Err(Failure::from_serenity(&err)),
                },
            }
        };
        match tokio::time::timeout_at(deadline, attempt).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Failure {
                status: None,
                code: None,
                retry: Retry::No,
                reason: "no answer within the time a reply may take".to_string(),
            }),
        }
    }
}

/// Whether and when to try again.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Retry {
    No,
    /// Yes: after the server's `retry_after`, or our backoff when it gave none.
    After(Option<Duration>),
}

#[derive(Debug)]
struct Failure {
    status: Option<u16>,
    code: Option<i64>,
    retry: Retry,
    /// What went wrong, without any of the message.
    reason: String,
}

impl Failure {
    /// The failure a response stands for, if it is one.
    async fn check(response: reqwest::Response) -> Result<(), Failure> {
        let status = response.status().as_u16();
        if response.status().is_success() {
            return Ok(());
        }
        let header = retry_after_header(response.headers());
        let bytes = response.bytes().await.unwrap_or_default();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let from_body = body["retry_after"]
            .as_f64()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64);
        Err(Failure {
            status: Some(status),
            code: body["code"].as_i64(),
            retry: retry_for(status, from_body.or(header)),
            reason: body["message"].as_str().unwrap_or_default().to_string(),
        })
    }

    fn connection(err: &reqwest::Error) -> Failure {
        Failure {
            status: err.status().map(|s| s.as_u16()),
            code: None,
            // A request that never got an answer (refused, reset, timed out) may go through
            // on the next try; a malformed one never will.
            retry: if err.is_builder() {
                Retry::No
            } else {
                Retry::After(None)
            },
            reason: without_url(err),
        }
    }

    fn from_serenity(err: &serenity::Error) -> Failure {
        match err {
            serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
                let status = response.status_code.as_u16();
                Failure {
                    status: Some(status),
                    code: Some(response.error.code as i64),
                    retry: retry_for(status, None),
                    reason: response.error.message.clone(),
                }
            }
            serenity::Error::Http(HttpError::Request(err)) => Failure::connection(err),
            other => Failure {
                status: None,
                code: None,
                retry: Retry::No,
                reason: other.to_string(),
            },
        }
    }
}

/// 5xx and 429 are worth another try; any other status will not change by trying again.
fn retry_for(status: u16, after: Option<Duration>) -> Retry {
    if status == 429 || (500..600).contains(&status) {
        Retry::After(after)
    } else {
        Retry::No
    }
}

/// `Retry-After` in seconds (Discord and proxies send whole or decimal seconds).
fn retry_after_header(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// reqwest's error text names the URL, which for an interaction holds its token.
fn without_url(err: &reqwest::Error) -> String {
    let kind = if err.is_connect() {
        "could not connect"
    } else if err.is_timeout() {
        "timed out"
    } else if err.is_body() || err.is_decode() {
        "the response was cut off"
    } else {
        "the request failed"
    };
    kind.to_string()
}

/// Logs a send given up, once, with what the server owner can do about it.
fn warn_lost(route: &str, failure: &Failure) {
    let hint = match failure.code {
        Some(50001 | 50013) => "give the bot View Channels, Send Messages, Send Messages in Threads, Embed Links and Read Message History in that channel",
        Some(160002) => "give the bot Read Message History in that channel, which Discord requires for replies",
        Some(50007) => "the user does not accept direct messages from the bot",
        Some(10062) => "the interaction expired before the response arrived (Discord allows three seconds)",
        _ => "",
    };
    tracing::warn!(
        route,
        status = ?failure.status,
        code = ?failure.code,
        reason = %failure.reason,
        hint,
        "could not send a message; giving up"
    );
}

fn json_bytes(value: &impl serde::Serialize) -> Vec<u8> {
    // serenity's builders are plain data; turning them into JSON cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

/// Allowed mentions for every message the bot sends: nobody, not even the person replied to.
/// A question holding `@everyone` or a role mention must never ping anyone.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new().replied_user(false)
}

fn reply_message(body: Body<'_>, to: MessageId, channel: ChannelId) -> CreateMessage {
    // A reference that still sends if the question was deleted meanwhile.
    let mut reference = MessageReference::from((channel, to));
    reference.fail_if_not_exists = Some(false);
    let message = CreateMessage::new()
        .reference_message(reference)
        .allowed_mentions(no_mentions());
    match body {
        Body::Rendered(rendered) => message
            .embeds(rendered.cards.iter().map(embed).collect())
            .components(rendered.rows.iter().map(action_row).collect()),
        Body::Attached { rendered, name, .. } => message
            .embeds(embeds_with_image(rendered, name))
            .components(rendered.rows.iter().map(action_row).collect()),
        Body::Text(text) => message.content(text),
    }
}

/// The embeds, the first showing the attached image `name`. The attachment itself is listed
/// in the payload so that Discord matches it to the form's file.
fn embeds_with_image(rendered: &Rendered, name: &str) -> Vec<CreateEmbed> {
    rendered
        .cards
        .iter()
        .enumerate()
        .map(|(i, card)| {
            let embed = embed(card);
            if i == 0 {
                embed.image(format!("attachment://{name}"))
            } else {
                embed
            }
        })
        .collect()
}

fn interaction_response(body: Body<'_>, response: Response) -> CreateInteractionResponse {
    let message = CreateInteractionResponseMessage::new().allowed_mentions(no_mentions());
    let message = match body {
        Body::Rendered(rendered) => message
            .embeds(rendered.cards.iter().map(embed).collect())
            .components(rendered.rows.iter().map(action_row).collect()),
        Body::Attached { rendered, name, .. } => message
            .embeds(embeds_with_image(rendered, name))
            .components(rendered.rows.iter().map(action_row).collect())
            .add_file(CreateAttachment::bytes(Vec::new(), name)),
        Body::Text(text) => message.content(text),
    };
    match response {
        Response::New { ephemeral } => {
            CreateInteractionResponse::Message(message.ephemeral(ephemeral))
        }
        Response::Update => CreateInteractionResponse::UpdateMessage(message),
    }
}

fn embed(card: &Card) -> CreateEmbed {
    let mut embed = CreateEmbed::new().colour(Colour(card.colour));
    if let Some(title) = &card.title {
        embed = embed.title(title);
    }
    if let Some(description) = &card.description {
        embed = embed.description(description);
    }
    for field in &card.fields {
        embed = embed.field(&field.name, &field.value, field.inline);
    }
    if let Some(footer) = &card.footer {
        embed = embed.footer(CreateEmbedFooter::new(footer));
    }
    embed
}

fn action_row(row: &Row) -> CreateActionRow {
    match row {
        Row::Buttons(buttons) => CreateActionRow::Buttons(
            buttons
                .iter()
                .map(|b| {
                    CreateButton::new(b.id.to_string())
                        .label(&b.label)
                        .style(if b.primary {
                            ButtonStyle::Primary
                        } else {
                            ButtonStyle::Secondary
                        })
                })
                .collect(),
        ),
        Row::Select(select) => {
            let options = select
                .options
                .iter()
                .map(|o| {
                    let option = CreateSelectMenuOption::new(&o.label, &o.value)
                        .default_selection(o.default);
                    match &o.description {
                        Some(d) => option.description(d),
                        None => option,
                    }
                })
                .collect();
            CreateActionRow::SelectMenu(
                CreateSelectMenu::new(
                    select.id.to_string(),
                    CreateSelectMenuKind::String { options },
                )
                .placeholder(&select.placeholder),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_server_errors_and_rate_limits_only() {
        assert_eq!(retry_for(500, None), Retry::After(None));
        assert_eq!(retry_for(503, None), Retry::After(None));
        let after = Some(Duration::from_millis(250));
        assert_eq!(retry_for(429, after), Retry::After(after));
        for status in [400, 401, 403, 404] {
            assert_eq!(retry_for(status, None), Retry::No, "{status}");
        }
    }

    #[test]
    fn reads_retry_after_in_seconds() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::RETRY_AFTER, "1.5".parse().unwrap());
        assert_eq!(
            retry_after_header(&headers),
            Some(Duration::from_millis(1500))
        );
        headers.insert(reqwest::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after_header(&headers), None);
    }

    #[test]
    fn alerts_get_the_most_tries_and_never_more_than_three() {
        assert!(Priority::Alert.tries() > Priority::Normal.tries());
        assert!(Priority::Alert.tries() <= 3);
    }
}
