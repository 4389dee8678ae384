//! NegEx (Chapman et al., 2001), on word positions: a negation word ("no", "without",
//! "denies") takes away the concepts that follow it within a few words, unless a word such as
//! "but" ends its reach first; a few negations reach back ("... habe ich nicht").
//!
//! "No fever but the redness is spreading up my arm": "no" negates "fever"; "but" stops it
//! before "redness", which stays.

use super::concepts::{Hit, Kind};

/// Whether `hit` is negated by a negation among `hits` (all of one sentence), reaching at
/// most `window` words.
pub fn negated(hit: &Hit, hits: &[Hit], window: u32) -> bool {
    hits.iter().any(|n| match n.kind {
        Kind::NegateBefore => {
            n.end <= hit.start && hit.start - n.end <= window && !paused(hits, n.end, hit.start)
        }
        Kind::NegateAfter => {
            n.start >= hit.end && n.start - hit.end <= window && !paused(hits, hit.end, n.start)
        }
        _ => false,
    })
}

/// Whether a stop word or a pause lies in words `from..to`: a negation's reach ends there.
pub(super) fn paused(hits: &[Hit], from: u32, to: u32) -> bool {
    hits.iter()
        .any(|s| matches!(s.kind, Kind::Stop | Kind::Pause) && s.start >= from && s.start < to)
}

/// Whether a stop word lies in words `from..to`: a clause-wide exclusion's reach ends there.
pub(super) fn stopped(hits: &[Hit], from: u32, to: u32) -> bool {
    hits.iter()
        .any(|s| s.kind == Kind::Stop && s.start >= from && s.start < to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(start: u32, kind: Kind) -> Hit {
        Hit {
            start,
            end: start + 1,
            kind,
            language: 0,
        }
    }

    #[test]
    fn a_stop_word_ends_the_reach_of_a_negation() {
        // no(0) fever(1) but(2) the(3) redness(4)
        let hits = [
            hit(0, Kind::NegateBefore),
            hit(1, Kind::Concept(0)),
            hit(2, Kind::Stop),
            hit(4, Kind::Concept(1)),
        ];
        assert!(negated(&hits[1], &hits, 5));
        assert!(!negated(&hits[3], &hits, 5));
    }

    #[test]
    fn a_pause_ends_a_negation_but_not_a_clause() {
        // no(0) fever(1) and(2) his(3) finger(4)
        let hits = [
            hit(0, Kind::NegateBefore),
            hit(1, Kind::Concept(0)),
            hit(2, Kind::Pause),
            hit(4, Kind::Concept(1)),
        ];
        assert!(negated(&hits[1], &hits, 5));
        assert!(!negated(&hits[3], &hits, 5));
        assert!(!stopped(&hits, 0, 5));
    }

    #[test]
    fn negation_reaches_a_few_words_only() {
        let hits = [hit(0, Kind::NegateBefore), hit(9, Kind::Concept(0))];
        assert!(!negated(&hits[1], &hits, 5));
        let back = [hit(0, Kind::Concept(0)), hit(3, Kind::NegateAfter)];
        assert!(negated(&back[0], &back, 5));
    }
}
