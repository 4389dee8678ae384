//! The safety layer through the whole core: red flags are caught however they are written,
//! and nothing leaves the bot without its disclaimer (and sources, when it carries an answer).

use calcibot::{Bot, KnowledgeBase, ReplyKind};

fn bot() -> Bot {
    Bot::new(KnowledgeBase::builtin().expect("valid base")).expect("bot builds")
}

/// Each message in its plain form and in the ways people mangle it.
fn variants(message: &str) -> Vec<String> {
    vec![
        message.to_string(),
        message.to_uppercase(),
        format!("{}!!!", message.replace(' ', "  ")),
        format!("hi, sorry to bother everyone but {message}... not sure who else to ask tbh"),
        message.replace('\'', "\u{2019}"),
    ]
}

#[test]
fn urgent_messages_are_caught_in_any_form() {
    let bot = bot();
    for message in [
        "my fingertip has turned black and I can't feel it",
        "the lump on my elbow is infected, red streaks going up my arm and I have a fever",
        "chest pain and my heart is racing",
        "I'm struggling to breathe",
        "my mum is confused and not making sense today",
        "I'm on dialysis and have painful dark purple patches that are getting worse fast",
        "the sore is full of pus and smells bad",
        "im extremely thirsty all the time and so tired",
        "the lump burst and now my whole arm is red and hot and I have a temp of 39",
        "dad is really muddled today and doesn't know what day it is",
    ] {
        for variant in variants(message) {
            let reply = bot.ask(&variant);
            assert_eq!(reply.kind(), ReplyKind::Urgent, "not urgent: {variant:?}");
            let alert = reply
                .alert()
                .expect("urgent replies lead with the urgent advice");
            assert!(alert.contains("emergency"), "{alert}");
        }
    }
}

#[test]
fn typos_do_not_hide_red_flags() {
    let bot = bot();
    for (message, kind) in [
        ("i keep thinking about sucide", ReplyKind::Crisis),
        ("i feel suicdal because of these ulcers", ReplyKind::Crisis),
        ("chest pian and cant breath", ReplyKind::Urgent),
        ("my finger tip has turnd black", ReplyKind::Urgent),
    ] {
        assert_eq!(bot.ask(message).kind(), kind, "{message:?}");
    }
}

#[test]
fn crisis_messages_get_crisis_advice_only() {
    let bot = bot();
    for message in [
        "I want to kill myself",
        "dont want to be here anymore, the lumps keep coming back",
        "I've been saving up my pain pills and thinking about taking them all",
        "sometimes I think everyone would be better off without me",
        "I've started self harming again because of how my skin looks",
        "my son told me tonight he wants to die because of the bullying about his lumps",
    ] {
        for variant in variants(message) {
            let reply = bot.ask(&variant);
            assert_eq!(reply.kind(), ReplyKind::Crisis, "not crisis: {variant:?}");
            assert!(
                reply.entry().is_none(),
                "no medical answer with crisis advice"
            );
            let alert = reply.alert().expect("crisis advice");
            assert!(
                alert.contains("988") && alert.contains("116 123"),
                "{alert}"
            );
        }
    }
}

#[test]
fn dosing_questions_are_sent_to_the_prescriber() {
    let bot = bot();
    for message in [
        "how much diltiazem should I take for calcinosis",
        "what dose of sodium thiosulfate cream should i use",
        "can i stop my phosphate binders",
        "can I start taking the colchicine I have left over from my gout",
        "my friend takes verapamil for her calcinosis, can i take some of hers",
        "is it ok to double my prednisone when the lumps flare",
        "should I come off warfarin before my surgery",
        "I'm on amlodipine 5mg and nothing has changed, should I just up it to 10?",
        "how much of the sodium thiosulfate cream should I put on",
    ] {
        for variant in variants(message) {
            let reply = bot.ask(&variant);
            let notice = reply
                .dosing()
                .unwrap_or_else(|| panic!("no dosing notice: {variant:?}"));
            assert!(notice.contains("prescribes"), "{notice}");
        }
    }
}

#[test]
fn ordinary_questions_raise_no_flags() {
    let bot = bot();
    for message in [
        "what is calcinosis cutis",
        "does diltiazem work for calcium deposits",
        "should i stop eating dairy if i have calcium deposits",
        "how much calcium from food is ok with calcinosis",
        "the skin over my lump split open, no redness, how do I look after it",
        "when should I see a doctor about calcium deposits",
        "can i treat calcinosis myself",
    ] {
        let reply = bot.ask(message);
        assert!(
            !matches!(reply.kind(), ReplyKind::Urgent | ReplyKind::Crisis),
            "false alarm {:?} for {message:?}",
            reply.kind()
        );
        assert!(
            reply.dosing().is_none(),
            "false dosing flag for {message:?}"
        );
    }
}

/// Every reply to every phrasing in the base, and to odd inputs, carries the disclaimer; every
/// reply with an answer carries that entry's sources, and never a dose.
#[test]
fn nothing_leaves_without_disclaimer_and_sources() {
    let bot = bot();
    let kb = bot.knowledge();
    let mut messages: Vec<String> = kb
        .entries
        .iter()
        .flat_map(|e| e.questions.iter().cloned().chain([e.title.clone()]))
        .collect();
    messages.extend(
        [
            "",
            "   ",
            "👋",
            "?",
            "lol",
            "a",
            &"calcium ".repeat(500),
            "\u{0}\u{7}",
            "ДА",
            "🤷‍♀️🤷‍♀️",
        ]
        .map(String::from),
    );
    for message in &messages {
        let reply = bot.ask(message);
        assert!(reply.disclaimer().contains("not a doctor"), "{message:?}");
        let text = calcibot::render::text(&reply);
        assert!(
            text.contains("not a doctor"),
            "rendered reply lacks the disclaimer: {message:?}"
        );
        if let Some(entry) = reply.entry() {
            assert!(
                !reply.sources().is_empty(),
                "{} answered without sources",
                entry.id
            );
            assert_eq!(
                reply.sources().len(),
                entry.sources.len(),
                "every cited source resolves"
            );
            assert!(text.contains("Sources:"), "{text}");
        }
    }
}
