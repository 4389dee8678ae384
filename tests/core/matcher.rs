//! The matcher on the real base: each entry is found by its own question, misspelt drug and
//! disease names still match, and questions the base cannot answer are not guessed at.

use calcibot::{Bot, KnowledgeBase, ReplyKind};

fn bot() -> Bot {
    Bot::new(KnowledgeBase::builtin().expect("valid base")).expect("bot builds")
}

fn answered(bot: &Bot, message: &str) -> Option<String> {
    let reply = bot.ask(message);
    (reply.kind() == ReplyKind::Answer)
        .then(|| reply.entry().map(|e| e.id.clone()))
        .flatten()
}

#[test]
fn every_entry_answers_its_own_title() {
    let bot = bot();
    for entry in &bot.knowledge().entries {
        assert_eq!(
            answered(&bot, &entry.title).as_deref(),
            Some(entry.id.as_str()),
            "asking {:?}",
            entry.title
        );
    }
}

#[test]
fn misspelt_drug_and_disease_names_still_match() {
    let bot = bot();
    for (message, id) in [
        (
            "does diltiazam work for calcinosis",
            "med-calcium-channel-blockers",
        ),
        (
            "verapamill for calcium lumps?",
            "med-calcium-channel-blockers",
        ),
        (
            "colchicin for calcinosis, does it help",
            "med-anti-inflammatory",
        ),
        (
            "sodium thiosulphate for calcinosis",
            "med-sodium-thiosulfate",
        ),
        ("what is dystropic calcinosis", "type-dystrophic"),
        ("calciphylaxsis what is it", "calciphylaxis"),
        (
            "pseudoxanthoma elasticim and calcium in the skin",
            "genetic",
        ),
        (
            "can dermatomyosytis cause calcium lumps",
            "cause-autoimmune",
        ),
    ] {
        assert_eq!(answered(&bot, message).as_deref(), Some(id), "{message:?}");
    }
}

#[test]
fn out_of_scope_questions_are_not_guessed() {
    let bot = bot();
    for message in [
        "what's the weather like in Paris tomorrow",
        "recommend me a good pizza place",
        "how do I fix my car's brakes",
        "can my dog eat grapes",
        "who won the football last night",
    ] {
        let reply = bot.ask(message);
        assert!(
            matches!(reply.kind(), ReplyKind::NoMatch | ReplyKind::Smalltalk),
            "{message:?} got {:?} {:?}",
            reply.kind(),
            reply.entry().map(|e| &e.id)
        );
        if reply.kind() == ReplyKind::NoMatch {
            assert!(
                !reply.candidates().is_empty(),
                "a no-match offers topics it does know"
            );
        }
    }
}

#[test]
fn smalltalk_is_answered_without_medical_content() {
    let bot = bot();
    for message in [
        "hi",
        "Hello!",
        "thanks so much",
        "are you a bot?",
        "help",
        "👋",
    ] {
        let reply = bot.ask(message);
        assert_eq!(reply.kind(), ReplyKind::Smalltalk, "{message:?}");
        assert!(reply.entry().is_none());
    }
    // A greeting in front of a question does not hide the question.
    let reply = bot.ask("hi! can lupus cause calcium lumps in the skin?");
    assert_eq!(
        reply.entry().map(|e| e.id.as_str()),
        Some("cause-autoimmune")
    );
}

#[test]
fn a_chosen_topic_shows_that_entry() {
    let bot = bot();
    let reply = bot.show("surgery").expect("surgery exists");
    assert_eq!(reply.kind(), ReplyKind::Answer);
    assert_eq!(reply.entry().map(|e| e.id.as_str()), Some("surgery"));
    assert!(bot.show("no-such-topic").is_none());
}
