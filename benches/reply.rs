//! Speed of the core (criterion medians are what the issue asks for):
//! - `reply/dev_set`: one question to a reply on the real base, cycling through the dev set;
//! - `load/builtin`: loading, validating and indexing the built-in base;
//! - `reply/10k_entries`: one question against a generated 10,000-entry base, which shows the
//!   matcher reads postings rather than comparing the message with every entry.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};

use calcibot::{Bot, KnowledgeBase};

/// The dev set's questions when it is beside the checkout, else the base's own titles.
fn questions(kb: &KnowledgeBase) -> Vec<String> {
    let dev = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dev.jsonl");
    if let Ok(text) = std::fs::read_to_string(dev) {
        let questions: Vec<String> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["q"].as_str().map(String::from))
            .collect();
        if !questions.is_empty() {
            return questions;
        }
    }
    kb.entries.iter().map(|e| e.title.clone()).collect()
}

fn reply_on_real_base(c: &mut Criterion) {
    let bot = Bot::new(KnowledgeBase::builtin().expect("valid base")).expect("bot");
    let questions = questions(bot.knowledge());
    let mut i = 0;
    c.bench_function("reply/dev_set", |b| {
        b.iter(|| {
            i = (i + 1) % questions.len();
            let reply = bot.ask(black_box(&questions[i]));
            black_box(calcibot::render::text(&reply))
        })
    });
}

fn load_and_index(c: &mut Criterion) {
    c.bench_function("load/builtin", |b| {
        b.iter(|| {
            let kb = KnowledgeBase::builtin().expect("valid base");
            black_box(Bot::new(kb).expect("bot"))
        })
    });
}

/// A deterministic pseudo-random generator (xorshift), so every run builds the same base.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A made-up word: syllables, so the spelling index sees realistic lengths and near misses.
fn word(rng: &mut Rng) -> String {
    const SYLLABLES: [&str; 24] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ber", "dan", "fel", "gor", "hin", "jus",
        "ker", "lim", "mor", "nis", "pol", "qua", "ros", "sil", "tur", "vex",
    ];
    let n = 2 + rng.below(3);
    (0..n)
        .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
        .collect()
}

/// The built-in base plus 10,000 generated entries, written as knowledge files and loaded the
/// ordinary way.
fn big_base() -> KnowledgeBase {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
    let mut files: Vec<(String, String)> = Vec::new();
    let mut pending = vec![dir.clone()];
    while let Some(d) = pending.pop() {
        for item in std::fs::read_dir(&d).expect("knowledge dir") {
            let path = item.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path
                    .strip_prefix(&dir)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((name, std::fs::read_to_string(&path).expect("read")));
            }
        }
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // A vocabulary of 6,000 made-up words plus the real base's common words, drawn unevenly
    // (a few words are common, most are rare), as in real text.
    let mut vocabulary: Vec<String> = (0..6_000).map(|_| word(&mut rng)).collect();
    vocabulary.extend(
        "calcium deposit lump skin pain treatment cause doctor face hand white hard"
            .split(' ')
            .map(String::from),
    );
    let mut pick = |rng: &mut Rng| -> String {
        let skewed = (rng.below(vocabulary.len()) * rng.below(vocabulary.len())) / vocabulary.len();
        vocabulary[vocabulary.len() - 1 - skewed].clone()
    };
    let mut generated = String::new();
    for n in 0..10_000 {
        let sentence =
            |rng: &mut Rng, pick: &mut dyn FnMut(&mut Rng) -> String, len: usize| -> String {
                (0..len).map(|_| pick(rng)).collect::<Vec<_>>().join(" ")
            };
        let title = sentence(&mut rng, &mut pick, 6);
        let questions: Vec<String> = (0..6)
            .map(|_| format!("{:?}", sentence(&mut rng, &mut pick, 7)))
            .collect();
        let keywords: Vec<String> = (0..3).map(|_| format!("{:?}", pick(&mut rng))).collect();
        let answer = sentence(&mut rng, &mut pick, 60);
        generated.push_str(&format!(
            "[[entry]]\nid = \"generated-{n}\"\ntitle = {title:?}\nreviewed = \"2026-11-21\"\nreviewer = \"generated\"\nquestions = [{}]\nkeywords = [{}]\nanswer = {answer:?}\nrelated = []\nsources = [{{ id = \"verywell-calcinosis-cutis\", section = \"Summary\" }}]\n\n",
            questions.join(", "),
            keywords.join(", "),
        ));
    }
    let general = files
        .iter_mut()
        .find(|(name, _)| name == "entries/general.toml")
        .expect("a general entries file");
    general.1.push('\n');
    general.1.push_str(&generated);
    KnowledgeBase::from_files(files, "generated".into()).expect("the generated base is valid")
}

fn reply_on_10k_entries(c: &mut Criterion) {
    let kb = big_base();
    assert!(kb.entries.len() > 10_000);
    let bot = Bot::new(kb).expect("bot");
    let mut questions = questions(bot.knowledge());
    // Questions in the generated words too, with a typo in one word each.
    let mut rng = Rng(7);
    for entry in bot
        .knowledge()
        .entries
        .iter()
        .filter(|e| e.id.starts_with("generated-"))
        .take(100)
    {
        let q = &entry.questions[rng.below(entry.questions.len())];
        let mut words: Vec<String> = q.split(' ').map(String::from).collect();
        let w = rng.below(words.len());
        if words[w].len() > 5 {
            words[w].remove(2);
        }
        questions.push(words.join(" "));
    }
    let mut i = 0;
    c.bench_function("reply/10k_entries", |b| {
        b.iter(|| {
            i = (i + 1) % questions.len();
            black_box(bot.ask(black_box(&questions[i])).kind())
        })
    });
}

criterion_group!(
    benches,
    reply_on_real_base,
    load_and_index,
    reply_on_10k_entries
);
criterion_main!(benches);
