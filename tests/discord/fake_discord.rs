//! A fake Discord on 127.0.0.1 for the end-to-end tests and the latency tool: a REST server
//! (the bot reaches it through `DISCORD_HTTP_PROXY`, as a deployment reaches its rate-limit
//! proxy) and a gateway websocket. The real serenity client connects to it; the fake records
//! every REST request so tests can assert on what the bot sent.
//!
//! See `shared/discord-testing.md` for the facts this follows (required fields, the gateway
//! conversation, what serenity asks for and when).

#![allow(dead_code)] // Each user (the tests, the bench) uses part of it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use serenity::futures::{SinkExt, StreamExt};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// The fixtures directory: gateway payloads the tests send, patched per test.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/discord")
}

/// A fixture's whole gateway payload (`{"op": 0, "t": ..., "d": ...}`).
pub fn fixture(name: &str) -> Value {
    let path = fixtures_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("fixture {} is not JSON: {e}", path.display()))
}

/// How the fake behaves.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Answer `GET /gateway/bot` with 401, as Discord does for a wrong token.
    pub refuse_token: bool,
    /// Close the gateway with this code right after IDENTIFY (4004: bad token, 4014:
    /// disallowed intent) instead of sending READY.
    pub close_on_identify: Option<u16>,
    /// The shard count `GET /gateway/bot` recommends (1 when unset).
    pub shards: Option<u32>,
}

/// A failure the fake answers a reply with, instead of posting it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// HTTP 500 Internal Server Error.
    ServerError,
    /// HTTP 429 with `retry_after` (seconds) in the body and `Retry-After` in the headers.
    RateLimited { retry_after: f64 },
}

/// One REST request the bot made.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub body: Value,
    /// When the whole request had arrived.
    pub at: Instant,
    /// The status the fake answered with.
    pub status: u16,
    /// Files sent as a multipart form (name, bytes); the form's `payload_json` is `body`.
    pub files: Vec<(String, Vec<u8>)>,
}

impl Request {
    /// A reply posted to a channel, referencing the message `id`, that the fake accepted?
    pub fn replies_to(&self, id: u64) -> bool {
        self.tries_to_reply_to(id) && self.status < 300
    }

    /// A reply to the message `id`, accepted or not?
    pub fn tries_to_reply_to(&self, id: u64) -> bool {
        self.method == "POST"
            && self.path.ends_with("/messages")
            && self.body["message_reference"]["message_id"].as_str() == Some(&id.to_string())
    }

    /// An interaction callback for the interaction `id`?
    pub fn answers_interaction(&self, id: u64) -> bool {
        self.method == "POST"
            && self
                .path
                .starts_with(&format!("/api/v10/interactions/{id}/"))
            && self.path.ends_with("/callback")
    }

    pub fn registers_commands(&self) -> bool {
        self.method == "PUT" && self.path.ends_with("/commands")
    }
}

enum Outgoing {
    Dispatch {
        t: String,
        d: Value,
        sent: oneshot::Sender<Instant>,
    },
}

struct Inner {
    options: Options,
    gateway_url: String,
    ready: Value,
    requests: Mutex<Vec<Request>>,
    request_count: watch::Sender<usize>,
    identifies: Mutex<Vec<Value>>,
    /// The identified session's outbox, once READY is sent.
    session: watch::Sender<Option<mpsc::UnboundedSender<Outgoing>>>,
    /// Each identified shard's outbox, by shard id.
    shards: Mutex<std::collections::HashMap<u64, mpsc::UnboundedSender<Outgoing>>>,
    seq: AtomicU64,
    next_id: AtomicU64,
    /// Faults to answer replies to a message with, by message id: each try takes the next one,
    /// and once they are used up the reply is accepted.
    faults: Mutex<Vec<(String, Vec<Fault>)>>,
}

pub struct FakeDiscord {
    /// What `DISCORD_HTTP_PROXY` is set to.
    pub rest_url: String,
    pub gateway_url: String,
    inner: Arc<Inner>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Bounded waits: nothing in a test may wait forever.
pub const WAIT: Duration = Duration::from_secs(15);

impl FakeDiscord {
    /// Starts both servers on free ports of 127.0.0.1, with READY from `ready.json`.
    pub async fn start(options: Options) -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0").await.expect("bind REST");
        let gateway = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind gateway");
        let rest_url = format!("http://{}", rest.local_addr().expect("REST address"));
        let gateway_url = format!("ws://{}", gateway.local_addr().expect("gateway address"));
        let inner = Arc::new(Inner {
            options,
            gateway_url: gateway_url.clone(),
            ready: {
                let mut ready = fixture("ready.json")["d"].clone();
                ready["resume_gateway_url"] = json!(gateway_url.clone());
                ready
            },
            requests: Mutex::new(Vec::new()),
            request_count: watch::Sender::new(0),
            identifies: Mutex::new(Vec::new()),
            session: watch::Sender::new(None),
            shards: Mutex::new(std::collections::HashMap::new()),
            seq: AtomicU64::new(1),
            next_id: AtomicU64::new(5_000_000_000_000_000_000),
            faults: Mutex::new(Vec::new()),
        });
        let rest_task = {
            let inner = Arc::clone(&inner);
            tokio::spawn(async move {
                while let Ok((stream, _)) = rest.accept().await {
                    let inner = Arc::clone(&inner);
                    tokio::spawn(async move {
                        let _ = serve_rest(stream, inner).await;
                    });
                }
            })
        };
        let gateway_task = {
            let inner = Arc::clone(&inner);
            tokio::spawn(async move {
                while let Ok((stream, _)) = gateway.accept().await {
                    let inner = Arc::clone(&inner);
                    tokio::spawn(async move {
                        serve_gateway(stream, inner).await;
                    });
                }
            })
        };
        FakeDiscord {
            rest_url,
            gateway_url,
            inner,
            tasks: vec![rest_task, gateway_task],
        }
    }

    /// Answers the tries to reply to the message `id` with `faults`, one per try, and accepts
    /// the reply once they are used up (three faults lose any reply for good).
    pub fn fail_replies_to(&self, id: u64, faults: &[Fault]) {
        self.inner
            .faults
            .lock()
            .unwrap()
            .push((id.to_string(), faults.to_vec()));
    }

    /// The READY payload's `d`, as sent.
    pub fn ready(&self) -> &Value {
        &self.inner.ready
    }

    /// Every REST request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.inner.requests.lock().unwrap().clone()
    }

    /// The IDENTIFY payloads received (the `d` of op 2).
    pub fn identifies(&self) -> Vec<Value> {
        self.inner.identifies.lock().unwrap().clone()
    }

    /// The first request matching `pred`, waiting up to `timeout` for it.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        pred: impl Fn(&Request) -> bool,
    ) -> Option<Request> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.inner.request_count.subscribe();
        // Only requests not yet looked at are checked, and only a match is cloned, so waiting
        // costs the fake little even after thousands of requests (the latency tool relies on it).
        let mut checked = 0;
        loop {
            {
                let requests = self.inner.requests.lock().unwrap();
                if let Some(found) = requests[checked..].iter().find(|r| pred(r)) {
                    return Some(found.clone());
                }
                checked = requests.len();
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => continue,
                _ => return None,
            }
        }
    }

    /// Sends a dispatch event to the session that identified as `shard` (waiting for one), as
    /// Discord sends a server's events to the shard `(server_id >> 22) % shards`.
    pub async fn dispatch_to_shard(&self, shard: u64, t: &str, d: Value) -> Instant {
        let deadline = Instant::now() + WAIT;
        let outbox = loop {
            if let Some(outbox) = self.inner.shards.lock().unwrap().get(&shard).cloned() {
                break outbox;
            }
            assert!(
                Instant::now() < deadline,
                "shard {shard} never identified within the wait"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let (sent, at) = oneshot::channel();
        outbox
            .send(Outgoing::Dispatch {
                t: t.to_string(),
                d,
                sent,
            })
            .unwrap_or_else(|_| panic!("shard {shard}'s session closed before {t} could be sent"));
        tokio::time::timeout(WAIT, at)
            .await
            .expect("the gateway did not send the event within the wait")
            .expect("the gateway session closed while sending")
    }

    /// Sends a dispatch event on the identified session (waiting for one) and returns the
    /// instant it was written to the socket.
    pub async fn dispatch(&self, t: &str, d: Value) -> Instant {
        let mut sessions = self.inner.session.subscribe();
        let outbox = tokio::time::timeout(WAIT, sessions.wait_for(Option::is_some))
            .await
            .expect("no gateway session within the wait: the bot never identified")
            .expect("the fake's session channel closed")
            .clone()
            .expect("a session");
        let (sent, at) = oneshot::channel();
        outbox
            .send(Outgoing::Dispatch {
                t: t.to_string(),
                d,
                sent,
            })
            .unwrap_or_else(|_| panic!("the gateway session closed before {t} could be sent"));
        tokio::time::timeout(WAIT, at)
            .await
            .expect("the gateway did not send the event within the wait")
            .expect("the gateway session closed while sending")
    }
}

impl Inner {
    fn record(&self, request: Request) {
        let count = {
            let mut requests = self.requests.lock().unwrap();
            requests.push(request);
            requests.len()
        };
        self.request_count.send_replace(count);
    }

    fn snowflake(&self) -> String {
        self.next_id.fetch_add(1, Ordering::Relaxed).to_string()
    }

    fn bot_user(&self) -> Value {
        self.ready["user"].clone()
    }

    fn application_id(&self) -> String {
        self.ready["application"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The fault planned for this request, if any (taking it from the plan).
    fn fault(&self, method: &str, path: &str, body: &Value) -> Option<Fault> {
        if method != "POST" || !path.ends_with("/messages") {
            return None;
        }
        let id = body["message_reference"]["message_id"].as_str()?;
        let mut faults = self.faults.lock().unwrap();
        let (_, plan) = faults.iter_mut().find(|(m, _)| m == id)?;
        (!plan.is_empty()).then(|| plan.remove(0))
    }

    /// The response to one REST request: status, JSON body (`None` for 204), extra headers.
    fn respond(&self, method: &str, path: &str, body: &Value) -> (u16, Option<Value>, String) {
        match self.fault(method, path, body) {
            Some(Fault::ServerError) => {
                let body = json!({"message": "500: Internal Server Error", "code": 0});
                return (500, Some(body), String::new());
            }
            Some(Fault::RateLimited { retry_after }) => {
                let body = json!({
                    "message": "You are being rate limited.",
                    "retry_after": retry_after,
                    "global": false
                });
                let header = format!("retry-after: {}\r\n", retry_after.ceil());
                return (429, Some(body), header);
            }
            None => {}
        }
        let (status, body) = self.respond_ok(method, path, body);
        (status, body, String::new())
    }

    fn respond_ok(&self, method: &str, path: &str, body: &Value) -> (u16, Option<Value>) {
        let segments: Vec<&str> = path
            .trim_start_matches("/api/v10/")
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        match (method, segments.as_slice()) {
            ("GET", ["gateway"]) => (200, Some(json!({ "url": self.gateway_url }))),
            ("GET", ["gateway", "bot"]) => {
                if self.options.refuse_token {
                    (
                        401,
                        Some(json!({"message": "401: Unauthorized", "code": 0})),
                    )
                } else {
                    (
                        200,
                        Some(json!({
                            "url": self.gateway_url,
                            "shards": self.options.shards.unwrap_or(1),
                            "session_start_limit": {
                                "total": 1000, "remaining": 999,
                                "reset_after": 14_400_000, "max_concurrency": 1
                            }
                        })),
                    )
                }
            }
            ("PUT", ["applications", _, "commands"])
            | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
                let guild = segments.get(3).copied();
                let commands: Vec<Value> = body
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|mut command| {
                        command["id"] = json!(self.snowflake());
                        command["application_id"] = json!(self.application_id());
                        command["version"] = json!(self.snowflake());
                        if command.get("type").is_none() {
                            command["type"] = json!(1);
                        }
                        if command.get("default_member_permissions").is_none() {
                            command["default_member_permissions"] = Value::Null;
                        }
                        if let Some(guild) = guild {
                            command["guild_id"] = json!(guild);
                        }
                        command
                    })
                    .collect();
                (200, Some(Value::Array(commands)))
            }
            ("POST", ["channels", channel, "messages"]) => (
                200,
                Some(json!({
                    "id": self.snowflake(),
                    "channel_id": channel,
                    "author": self.bot_user(),
                    "content": body["content"].as_str().unwrap_or_default(),
                    "timestamp": "2024-05-01T12:00:00.000000+00:00",
                    "tts": false,
                    "mention_everyone": false,
                    "mentions": [],
                    "mention_roles": [],
                    "attachments": [],
                    "embeds": [],
                    "pinned": false,
                    "type": if body.get("message_reference").is_some() { 19 } else { 0 },
                })),
            ),
            ("POST", ["interactions", _, _, "callback"]) => (204, None),
            // What `calcibot register` asks first: which application the token is.
            ("GET", ["oauth2", "applications", "@me"]) => (
                200,
                Some(json!({
                    "id": self.application_id(),
                    "name": "calcibot",
                    "icon": null,
                    "description": "",
                    "bot_public": true,
                    "bot_require_code_grant": false,
                    "owner": null,
                    "verify_key": "0",
                    "team": null,
                })),
            ),
            _ => (404, Some(json!({"message": "404: Not Found", "code": 0}))),
        }
    }
}

/// One keep-alive HTTP/1.1 connection: requests with a Content-Length (or no) body, as
/// reqwest sends serenity's JSON.
async fn serve_rest(stream: TcpStream, inner: Arc<Inner>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default();
        let path = target.split('?').next().unwrap_or_default().to_string();
        let mut length = 0usize;
        let mut boundary = None;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).await? == 0 {
                return Ok(());
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
                if name.eq_ignore_ascii_case("content-type") {
                    boundary = value
                        .split(';')
                        .find_map(|p| p.trim().strip_prefix("boundary="))
                        .map(|b| b.trim_matches('"').to_string());
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await?;
        let at = Instant::now();
        let (body, files) = match &boundary {
            Some(boundary) => multipart(&body, boundary),
            None => (
                serde_json::from_slice(&body).unwrap_or(Value::Null),
                Vec::new(),
            ),
        };
        let (status, response, headers) = inner.respond(&method, &path, &body);
        inner.record(Request {
            method,
            path,
            body,
            at,
            status,
            files,
        });
        let reason = match status {
            200 => "OK",
            204 => "No Content",
            401 => "Unauthorized",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            _ => "Not Found",
        };
        let text = response.map(|r| r.to_string()).unwrap_or_default();
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\n\r\n",
            text.len()
        );
        write.write_all(head.as_bytes()).await?;
        write.write_all(text.as_bytes()).await?;
        write.flush().await?;
    }
}

/// A multipart form's `payload_json` (as JSON) and its files (name, bytes).
fn multipart(body: &[u8], boundary: &str) -> (Value, Vec<(String, Vec<u8>)>) {
    let delimiter = format!("--{boundary}");
    let mut json = Value::Null;
    let mut files = Vec::new();
    let mut rest = body;
    while let Some(start) = find(rest, delimiter.as_bytes()) {
        rest = &rest[start + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let Some(end) = find(rest, delimiter.as_bytes()) else {
            break;
        };
        let part = &rest[..end];
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let headers = String::from_utf8_lossy(&part[..split]).to_string();
        // The part's content, without the line break before the next delimiter.
        let content = part[split + 4..]
            .strip_suffix(b"\r\n")
            .unwrap_or(&part[split + 4..]);
        let field = |key: &str| {
            headers.split([';', '\n']).find_map(|p| {
                p.trim()
                    .strip_prefix(&format!("{key}="))
                    .map(|v| v.trim_matches('"').to_string())
            })
        };
        match (field("name"), field("filename")) {
            (_, Some(filename)) => files.push((filename, content.to_vec())),
            (Some(name), None) if name == "payload_json" => {
                json = serde_json::from_slice(content).unwrap_or(Value::Null);
            }
            _ => {}
        }
    }
    (json, files)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One gateway connection: HELLO, IDENTIFY, READY (or the configured close code), heartbeats
/// acknowledged, and dispatches from the test written in order with increasing `s`.
async fn serve_gateway(stream: TcpStream, inner: Arc<Inner>) {
    let _ = stream.set_nodelay(true);
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 45_000}});
    if ws.send(WsMessage::Text(hello.to_string())).await.is_err() {
        return;
    }
    let (outbox, mut pending) = mpsc::unbounded_channel::<Outgoing>();
    let mut closing = false;
    loop {
        let sent = tokio::select! {
            incoming = ws.next() => match incoming {
                Some(Ok(WsMessage::Text(text))) => {
                    on_gateway_text(&mut ws, &inner, &outbox, &mut closing, &text).await
                }
                // Keep reading after a close: the next read sends tungstenite's reply, so the
                // close handshake completes, and then ends the stream.
                Some(Ok(_)) => true,
                Some(Err(_)) | None => false,
            },
            Some(Outgoing::Dispatch { t, d, sent }) = pending.recv() => {
                let s = inner.seq.fetch_add(1, Ordering::SeqCst);
                let frame = json!({"op": 0, "s": s, "t": t, "d": d}).to_string();
                let at = Instant::now();
                let ok = ws.send(WsMessage::Text(frame)).await.is_ok();
                let _ = sent.send(at);
                ok
            }
        };
        if !sent {
            break;
        }
    }
    // This session is gone: later dispatches wait for the next one.
    inner.session.send_if_modified(|session| match session {
        Some(current) if current.same_channel(&outbox) => {
            *session = None;
            true
        }
        _ => false,
    });
}

type Gateway = tokio_tungstenite::WebSocketStream<TcpStream>;

/// Answers one text frame from the bot; false when the connection is gone.
async fn on_gateway_text(
    ws: &mut Gateway,
    inner: &Inner,
    outbox: &mpsc::UnboundedSender<Outgoing>,
    closing: &mut bool,
    text: &str,
) -> bool {
    let Ok(payload) = serde_json::from_str::<Value>(text) else {
        return true;
    };
    match payload["op"].as_u64() {
        Some(2) if !*closing => {
            inner.identifies.lock().unwrap().push(payload["d"].clone());
            if let Some(code) = inner.options.close_on_identify {
                *closing = true;
                let frame = CloseFrame {
                    code: CloseCode::from(code),
                    reason: "refused".into(),
                };
                // Reading goes on so the close handshake completes.
                let _ = ws.send(WsMessage::Close(Some(frame))).await;
                return true;
            }
            let s = inner.seq.fetch_add(1, Ordering::SeqCst);
            let ready = json!({"op": 0, "s": s, "t": "READY", "d": inner.ready});
            if ws.send(WsMessage::Text(ready.to_string())).await.is_err() {
                return false;
            }
            let shard = payload["d"]["shard"][0].as_u64().unwrap_or(0);
            inner.shards.lock().unwrap().insert(shard, outbox.clone());
            inner.session.send_replace(Some(outbox.clone()));
            true
        }
        Some(1) => ws
            .send(WsMessage::Text(json!({"op": 11}).to_string()))
            .await
            .is_ok(),
        _ => true,
    }
}

/// Builders of gateway payloads from the fixtures, with the ids a test needs.
pub mod events {
    use super::*;

    /// A MESSAGE_CREATE `d`: in a guild channel, or a DM when `guild` is `None`.
    pub fn message(id: u64, channel: u64, guild: Option<u64>, author: u64, content: &str) -> Value {
        let mut d = fixture("message_create_guild.json")["d"].clone();
        d["id"] = json!(id.to_string());
        d["channel_id"] = json!(channel.to_string());
        d["author"]["id"] = json!(author.to_string());
        d["author"]["username"] = json!(format!("user{author}"));
        d["content"] = json!(content);
        d["mentions"] = json!([]);
        match guild {
            Some(guild) => d["guild_id"] = json!(guild.to_string()),
            None => {
                let map = d.as_object_mut().expect("an object");
                map.remove("guild_id");
                map.remove("member");
            }
        }
        d
    }

    /// Adds `user` to a message's mentions, as Discord does for `<@user>` in the content.
    pub fn mentioning(mut d: Value, user: &Value) -> Value {
        if let Some(list) = d["mentions"].as_array_mut() {
            list.push(user.clone());
        }
        d
    }

    /// An INTERACTION_CREATE `d` for a slash command, from `interaction_command.json`.
    pub fn command(
        id: u64,
        channel: u64,
        guild: u64,
        user: u64,
        name: &str,
        options: Value,
    ) -> Value {
        let mut d = fixture("interaction_command.json")["d"].clone();
        d["id"] = json!(id.to_string());
        d["token"] = json!(format!("token-{id}"));
        d["channel_id"] = json!(channel.to_string());
        d["guild_id"] = json!(guild.to_string());
        d["member"]["user"]["id"] = json!(user.to_string());
        d["data"]["name"] = json!(name);
        d["data"]["options"] = options;
        d
    }

    /// An INTERACTION_CREATE `d` for autocomplete of `command`'s `option`.
    pub fn autocomplete(id: u64, command: &str, option: &str, partial: &str) -> Value {
        let mut d = fixture("interaction_autocomplete.json")["d"].clone();
        d["id"] = json!(id.to_string());
        d["token"] = json!(format!("token-{id}"));
        d["data"]["name"] = json!(command);
        d["data"]["options"] =
            json!([{"name": option, "type": 3, "value": partial, "focused": true}]);
        d
    }

    /// An INTERACTION_CREATE `d` for a click on a button with `custom_id`.
    pub fn button(id: u64, user: u64, custom_id: &str) -> Value {
        let mut d = fixture("interaction_button.json")["d"].clone();
        d["id"] = json!(id.to_string());
        d["token"] = json!(format!("token-{id}"));
        d["member"]["user"]["id"] = json!(user.to_string());
        d["data"]["custom_id"] = json!(custom_id);
        d
    }

    /// An INTERACTION_CREATE `d` for a choice in a string select menu.
    pub fn select(id: u64, user: u64, custom_id: &str, value: &str) -> Value {
        let mut d = fixture("interaction_select.json")["d"].clone();
        d["id"] = json!(id.to_string());
        d["token"] = json!(format!("token-{id}"));
        d["member"]["user"]["id"] = json!(user.to_string());
        d["data"]["custom_id"] = json!(custom_id);
        d["data"]["values"] = json!([value]);
        d
    }

    /// Ids handed out to a test's messages and interactions.
    pub struct Ids(AtomicU64);

    impl Ids {
        /// Ids no other `Ids` of this test process hands out, so that a bot restarted on
        /// the same fake never meets a request of its predecessor's.
        pub fn new() -> Ids {
            static BLOCKS: AtomicU64 = AtomicU64::new(0);
            let block = BLOCKS.fetch_add(1, Ordering::Relaxed);
            Ids(AtomicU64::new(
                1_100_000_000_000_000_000 + block * 1_000_000,
            ))
        }
        pub fn next(&self) -> u64 {
            self.0.fetch_add(1, Ordering::Relaxed)
        }
    }

    impl Default for Ids {
        fn default() -> Self {
            Ids::new()
        }
    }
}
