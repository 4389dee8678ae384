//! The Discord layer end to end: the real serenity/poise client against a fake Discord on
//! 127.0.0.1. One binary, so serenity and poise are linked once for all of these.
//!
//! The harness: the fake Discord (a REST server and a gateway websocket that record what the
//! bot sends) and the running bot with the assertions the areas share.
mod fake_discord;
mod harness;

// Gateway payloads the tests send.
mod fixtures;
// Commands registered on READY, and the intents.
mod registration;
// Mentions, direct messages, and who is never answered.
mod messages;
// `/ask`, `/topic`, `/about`, `/help`.
mod commands;
// Buttons and menus.
mod components;
// Channels answered without a mention.
mod auto_answer;
// The per-user cooldown.
mod cooldown;
// Replies sent again after a 500 or a 429; a lost reply.
mod delivery;
// Settings, feedback, stats, unanswered questions and forgetting, with the database.
mod moderators;
// Several processes, each with its range of shards.
mod shards;
// A PostgreSQL outage mid-run.
mod outage;
// The throwaway PostgreSQL cluster of the tests, shared by both binaries.
#[path = "../support/postgres.rs"]
mod postgres;
// Start-up refusals.
mod startup;
// The `calcibot serve` binary.
mod serve;
