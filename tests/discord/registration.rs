//! Registering the slash commands on READY, and the intents asked for.

use std::collections::BTreeSet;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_the_commands_on_ready() {
    let bot = start(&[]).await;
    let put = bot
        .fake
        .wait_for(WAIT, Request::registers_commands)
        .await
        .expect("registration");
    let app = bot.fake.ready()["application"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        put.path,
        format!("/api/v10/applications/{app}/guilds/{GUILD}/commands")
    );
    let commands = put.body.as_array().expect("a list of commands");
    let names: BTreeSet<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "ask",
            "topic",
            "topics",
            "about",
            "help",
            "settings",
            "unanswered",
            "stats"
        ])
    );
    // The moderators' commands: Manage Server only (1 << 5), in servers only; the others open
    // to everyone, everywhere.
    for command in commands {
        let name = command["name"].as_str().unwrap();
        let moderators = ["settings", "unanswered", "stats"].contains(&name);
        let permissions = &command["default_member_permissions"];
        // Interaction contexts: 0 is a server, 1 a DM with the bot.
        let contexts = &command["contexts"];
        if moderators {
            assert_eq!(permissions, &json!("32"), "/{name}: {command}");
            assert_eq!(contexts, &json!([0]), "/{name}: {command}");
        } else {
            assert!(permissions.is_null(), "/{name}: {command}");
            assert!(contexts.is_null(), "/{name}: {command}");
        }
    }
    let settings = commands.iter().find(|c| c["name"] == "settings").unwrap();
    let subcommands: BTreeSet<&str> = settings["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(
        subcommands,
        BTreeSet::from([
            "show",
            "auto-answer",
            "cooldown",
            "support-line",
            "unanswered",
            "forget"
        ])
    );
    let options = |name: &str| -> Vec<(String, u64, bool, bool)> {
        let command = commands.iter().find(|c| c["name"] == name).unwrap();
        assert!(
            command["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty() && d.len() <= 100),
            "/{name} needs a description"
        );
        command["options"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| {
                (
                    o["name"].as_str().unwrap().to_string(),
                    o["type"].as_u64().unwrap(),
                    o["required"].as_bool().unwrap_or(false),
                    o["autocomplete"].as_bool().unwrap_or(false),
                )
            })
            .collect()
    };
    // (name, type: 3 string / 5 boolean, required, autocomplete)
    assert_eq!(
        options("ask"),
        vec![
            ("question".into(), 3, true, false),
            ("private".into(), 5, false, false)
        ]
    );
    assert_eq!(
        options("topic"),
        vec![
            ("name".into(), 3, true, true),
            ("private".into(), 5, false, false)
        ]
    );
    assert!(options("topics").is_empty());
    assert!(options("about").is_empty());
    assert!(options("help").is_empty());

    // Without auto-answer channels the privileged message content intent is not asked for.
    let identify = bot.fake.identifies().pop().expect("an IDENTIFY");
    let intents = identify["intents"].as_u64().expect("intents");
    let (guilds, guild_messages, direct_messages, message_content) = (1, 1 << 9, 1 << 12, 1 << 15);
    assert_eq!(
        intents,
        guilds | guild_messages | direct_messages,
        "intents {intents:#b}"
    );
    assert_eq!(intents & message_content, 0);
    assert_eq!(identify["token"], json!(format!("Bot {TOKEN}")));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_globally_without_a_guild() {
    let bot = start(&[("DISCORD_GUILD_ID", "")]).await;
    let put = bot
        .fake
        .wait_for(WAIT, Request::registers_commands)
        .await
        .unwrap();
    let app = bot.fake.ready()["application"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(put.path, format!("/api/v10/applications/{app}/commands"));
    bot.stop().await;
}
