//! The gateway payloads the tests send: each one must reach a handler, since serenity reads a
//! payload that lacks a required field as an unknown event and drops it without a word.

use std::collections::BTreeSet;

use crate::fake_discord::fixtures_dir;

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
        "guild_create.json",
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
