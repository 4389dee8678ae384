//! Cutting a message into its sentences, before normalisation throws the punctuation away.
//!
//! Patients write stories: the red flag, or the question, is one sentence among many. Both the
//! safety layer (a red flag is a combination of concepts *within one sentence*) and the matcher
//! (the asking sentence decides what is asked) need the sentences, so they are cut here, once.
//!
//! The cut is deliberately simple and predictable: at `.`, `!`, `?`, `;` and line breaks, but
//! not inside a number ("38.9", "2.5 mg") or after a one-letter initial or a common abbreviation
//! ("Dr. Smith", "e.g."), which would otherwise split a sentence in two.

/// One sentence of a message: its text as typed, without the closing punctuation, and whether
/// it ended with a question mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence<'a> {
    pub text: &'a str,
    pub question_mark: bool,
    /// A clause cut from the same sentence as the one before it (see `clauses`): readers
    /// that want whole sentences join it back.
    pub continues: bool,
}

/// Abbreviations after which a full stop does not end a sentence (lowercase, without the dot).
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "eg", "e.g", "ie", "i.e", "etc", "vs", "approx", "st", "no",
];

/// The sentences of `message`, in order; empty pieces are dropped.
pub fn split(message: &str) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    let bytes = message.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ends = match b {
            b'!' | b'?' | b';' | b'\n' => true,
            b'.' => !inside_number(bytes, i) && !after_abbreviation(&message[start..i]),
            _ => false,
        };
        if ends {
            // A run of closing marks ("?!", "...") ends one sentence.
            let mut end = i;
            let mut question_mark = false;
            while end < bytes.len() && matches!(bytes[end], b'!' | b'?' | b'.' | b';' | b'\n') {
                question_mark |= bytes[end] == b'?';
                end += 1;
            }
            push(&mut out, &message[start..i], question_mark);
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    push(&mut out, &message[start..], false);
    out
}

/// The clauses of `message`: its sentences, each cut again where a second question starts
/// inside it ("is it my kidneys, and how would that put calcium in my skin"), so a message asking
/// two things can be read as two questions. Only the last clause keeps its sentence's question
/// mark.
pub fn clauses(message: &str) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    for sentence in split(message) {
        let first = out.len();
        let mut rest = sentence.text;
        while let Some(cut) = next_clause(rest) {
            // The question mark closes the last clause; an earlier one asks by its own words.
            push(&mut out, &rest[..cut], false);
            rest = &rest[cut..];
        }
        push(&mut out, rest, sentence.question_mark);
        for clause in out.iter_mut().skip(first + 1) {
            clause.continues = true;
        }
    }
    out
}

/// Words that start a second question after a joining word.
const QUESTION_STARTS: &[&str] = &[
    "what", "why", "how", "when", "where", "who", "which", "is", "are", "do", "does", "did", "can",
    "could", "will", "would", "should",
];

/// Where the next clause of `text` starts: after ", and " / ", or " / ", but " / " and also " /
/// ", also " when a question word follows, or after a bare comma when "what", "why", "how"...
/// follows, and only with a few words on either side.
fn next_clause(text: &str) -> Option<usize> {
    const JOINS: &[&str] = &[
        ", and ",
        ", or ",
        ", but ",
        ", also ",
        " and also ",
        ", so ",
        ", ",
    ];
    // Not "who", "which", "where" or "when": after a comma they mostly start a relative
    // clause ("then there's me, who got mine after an accident").
    const WH: &[&str] = &["what", "why", "how"];
    let lower = text.to_ascii_lowercase();
    let mut best: Option<usize> = None;
    for join in JOINS {
        let mut from = 0;
        while let Some(at) = lower[from..].find(join) {
            let at = from + at;
            let after = at + join.len();
            let next = lower[after..].split(' ').next().unwrap_or("");
            let words_before = lower[..at].split_whitespace().count();
            let words_after = lower[after..].split_whitespace().count();
            // After a bare comma only a question word starts a question ("..., is" rarely does).
            let starts = if *join == ", " {
                WH.contains(&next)
            } else {
                QUESTION_STARTS.contains(&next)
            };
            if starts && words_before >= 3 && words_after >= 2 {
                // Cut after the comma, so the new clause starts at the joining word.
                let cut = at + join.find(|c: char| c.is_alphabetic()).unwrap_or(0);
                best = Some(best.map_or(cut, |b| b.min(cut)));
                break;
            }
            from = after;
        }
    }
    best
}

/// Words that, right after a comma, start a new clause with its own subject: "he not know my
/// name, he vomit" is two things said, and the "not" of the first says nothing of the second.
/// Only subjects and possessives: after a bare comma, a list goes on ("no fever, chills or
/// sweats"), and a negation should keep its reach over it.
const PAUSE_STARTS: &[&str] = &[
    // en
    "i", "im", "ive", "he", "hes", "she", "shes", "they", "theyre", "we", "my", "his", "her",
    "their", "our", // de
    "ich", "er", "sie", "wir", "mein", "meine", "sein", "seine", "ihr", "ihre", // fr
    "je", "j", "il", "elle", "ils", "elles", "on", "mon", "ma", "mes", "son", "sa", "ses",
    // es, pt, it
    "yo", "ella", "ellos", "mi", "mis", "su", "sus", "eu", "ele", "ela", "eles", "meu", "minha",
    "io", "lui", "lei", "loro", "mio", "mia", // pl
    "ja", "ona", "oni", "moj", "moja", "jego", "jej",
];

/// Where, inside one sentence, a clause with a new subject starts after a comma (byte offsets
/// into `text`, at the subject). Not a cut for the matcher, which reads the sentence whole, but
/// where a negation's reach ends: see `PAUSE_STARTS`.
pub fn pauses(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(',') {
        let after = from + at + 1;
        let rest = &text[after..];
        let start = after + (rest.len() - rest.trim_start().len());
        let word: String = text[start..]
            .chars()
            .take_while(|c| c.is_alphabetic() || *c == '\'' || *c == '’')
            .filter(|c| c.is_alphabetic())
            .flat_map(char::to_lowercase)
            .collect();
        let word = super::normalize::normalize(&word);
        if start > after && PAUSE_STARTS.contains(&word.as_str()) {
            out.push(start);
        }
        from = after;
    }
    out
}

/// Where a bracketed aside opens or closes inside a sentence (byte offsets into `text`): "kept
/// asking where dad is (he died in 2015), she's been sick twice" tells of now, and the date in
/// the aside says nothing of what is around it. The safety layer ends a clause there.
pub fn asides(text: &str) -> Vec<usize> {
    text.char_indices()
        .filter(|&(_, c)| matches!(c, '(' | ')' | '[' | ']'))
        .map(|(at, _)| at)
        .collect()
}

fn push<'a>(out: &mut Vec<Sentence<'a>>, text: &'a str, question_mark: bool) {
    let text = text.trim();
    if text.chars().any(char::is_alphanumeric) {
        out.push(Sentence {
            text,
            question_mark,
            continues: false,
        });
    }
}

/// A dot between two digits is a decimal point, not the end of a sentence.
fn inside_number(bytes: &[u8], i: usize) -> bool {
    i > 0 && bytes[i - 1].is_ascii_digit() && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit())
}

/// Whether the text before a full stop ends with an abbreviation or a one-letter initial.
fn after_abbreviation(before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let last = last.to_lowercase();
    // "I." ends a sentence ("...and neither can I."); other single letters are initials.
    (last.chars().count() == 1 && last.chars().all(char::is_alphabetic) && last != "i")
        || ABBREVIATIONS.contains(&last.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(message: &str) -> Vec<&str> {
        split(message).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn cuts_at_closing_marks_and_line_breaks() {
        assert_eq!(
            texts("I have lumps. They hurt!\nWhat can be done?? thanks"),
            ["I have lumps", "They hurt", "What can be done", "thanks"]
        );
    }

    #[test]
    fn remembers_which_sentences_ask() {
        let sentences = split("My mum has scleroderma. Is it serious?");
        assert!(!sentences[0].question_mark);
        assert!(sentences[1].question_mark);
    }

    #[test]
    fn keeps_numbers_and_abbreviations_whole() {
        assert_eq!(
            texts("Dr. Smith said my temp of 38.9 is high, e.g. an infection. Now what"),
            [
                "Dr. Smith said my temp of 38.9 is high, e.g. an infection",
                "Now what"
            ]
        );
    }

    #[test]
    fn cuts_a_second_question_inside_a_sentence() {
        let clauses: Vec<&str> = clauses(
            "Is this happening because of my kidneys, and how would bad kidneys end up putting calcium in my skin?",
        )
        .into_iter()
        .map(|s| s.text)
        .collect();
        assert_eq!(
            clauses,
            [
                "Is this happening because of my kidneys,",
                "and how would bad kidneys end up putting calcium in my skin"
            ]
        );
        assert!(!clauses_of_sentence(0) && clauses_of_sentence(1));
        assert_eq!(
            clauses_of("lumps on hands, and feet"),
            ["lumps on hands, and feet"]
        );
    }

    /// Whether clause `i` of a two-question sentence continues the one before it.
    fn clauses_of_sentence(i: usize) -> bool {
        clauses("I have lumps on my hands, and how do I treat them?")[i].continues
    }

    fn clauses_of(message: &str) -> Vec<&str> {
        clauses(message).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn a_comma_and_a_new_subject_is_a_pause() {
        let text = "very confuse, he not know my name, he vomit, fever, chills";
        let at: Vec<&str> = pauses(text).into_iter().map(|p| &text[p..p + 2]).collect();
        assert_eq!(at, ["he", "he"]);
        assert!(pauses("no fever, chills or sweats").is_empty());
        assert!(
            pauses("he,she").is_empty(),
            "a comma with no space is not a pause"
        );
    }

    #[test]
    fn i_ends_a_sentence() {
        assert_eq!(
            texts("Neither can I. Can these turn into cancer?"),
            ["Neither can I", "Can these turn into cancer"]
        );
    }

    #[test]
    fn drops_empty_pieces() {
        assert_eq!(texts("...?! ok ;; "), ["ok"]);
        assert!(split("").is_empty());
    }

    #[test]
    fn a_bracket_opens_or_closes_an_aside() {
        let text = "kept asking where dad is (he died in 2015), she's sick";
        let at = asides(text);
        assert_eq!(at.len(), 2);
        assert_eq!(&text[at[0]..at[1]], "(he died in 2015");
        assert!(asides("no brackets here, none at all").is_empty());
    }
}
