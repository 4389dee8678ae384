//! calcibot: answers questions about calcium deposits in the skin (calcinosis cutis) from a
//! curated, sourced knowledge base, with red flags checked before anything else.
//!
//! The core (`knowledge`, `language`, `matcher`, `safety`, `bot`, `reply`) is plain Rust with
//! no Discord, async or terminal types, so the terminal chat, the CLI, the tests and the
//! Discord handler all take the very same path: `Bot::ask` -> `Reply` -> a renderer. Around it:
//! `check` (the checks of the base that need the readers' modules), `sources` (the one source
//! formatter), `search` (topics by name), `explain` (how a message was read, for curators),
//! `render` (text and JSON), `chat`, `export`, `eval`, and `discord`.

pub mod about;
pub mod bot;
pub mod canned;
pub mod chat;
pub mod check;
pub mod discord;
pub mod eval;
pub mod explain;
pub mod export;
pub mod knowledge;
pub mod language;
pub mod matcher;
pub mod patterns;
pub mod question;
pub mod render;
pub mod reply;
pub mod report;
pub mod safety;
pub mod scope;
pub mod search;
pub mod smalltalk;
pub mod sources;
pub mod storage;

pub use bot::Bot;
pub use knowledge::KnowledgeBase;
pub use reply::{Reply, ReplyKind};
