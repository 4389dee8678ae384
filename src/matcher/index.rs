//! The index the matcher scores against: every term of the knowledge base with its weight, and
//! postings from each term to the phrasings, entries and keywords that hold it.
//!
//! Scoring walks only the postings of the message's own terms, so a message costs the same
//! whether the base has 50 entries or 10,000 that share none of its words.

use rustc_hash::FxHashMap as HashMap;

use crate::patterns::{compile_set, RegexSet};

use crate::knowledge::KnowledgeBase;
use crate::language::Analyzer;

/// How much a term found only in an entry's answer counts, against one in its phrasings,
/// keywords or title: the answer speaks of neighbouring topics too.
pub const ANSWER_ONLY_WEIGHT: f32 = 0.5;

pub type TermId = u32;

#[derive(Debug)]
pub struct Phrasing {
    pub entry: u32,
    /// Euclidean norm of the phrasing's term weights, for the cosine.
    pub norm: f32,
}

#[derive(Debug)]
pub struct Keyword {
    pub entry: u32,
    pub terms: usize,
    /// Sum of its terms' weights: a matched keyword counts for what it tells.
    pub weight: f32,
}

#[derive(Debug)]
pub struct Index {
    pub terms: HashMap<String, TermId>,
    /// Inverse document frequency of each term over entries.
    pub idf: Vec<f32>,
    pub phrasings: Vec<Phrasing>,
    pub phrasing_postings: Vec<Vec<u32>>,
    /// term -> (entry, field weight): 1 for phrasings, keywords and title, less for answers.
    pub entry_postings: Vec<Vec<(u32, f32)>>,
    pub keywords: Vec<Keyword>,
    pub keyword_postings: Vec<Vec<u32>>,
    /// Every entry's intent patterns in one set, so a message is read once for all of them.
    pub patterns: RegexSet,
    pub pattern_entry: Vec<u32>,
    /// Terms that shape a question without saying what it is about ("what", "how").
    pub question_terms: Vec<bool>,
    /// The weight given to a message term the base never uses.
    pub unknown_weight: f32,
    /// How many entries the base holds.
    pub entries: usize,
}

impl Index {
    pub fn build(kb: &KnowledgeBase, analyzer: &Analyzer) -> Result<Index, crate::patterns::Error> {
        let mut terms: HashMap<String, TermId> = HashMap::default();
        let intern = |term: &str, terms: &mut HashMap<String, TermId>| -> TermId {
            if let Some(&id) = terms.get(term) {
                return id;
            }
            let id = terms.len() as TermId;
            terms.insert(term.to_string(), id);
            id
        };

        let mut phrasing_terms: Vec<(u32, Vec<TermId>)> = Vec::new();
        let mut keyword_terms: Vec<(u32, Vec<TermId>)> = Vec::new();
        // Per entry: terms of its phrasings/keywords/title, and of its answer.
        let mut entry_terms: Vec<(Vec<TermId>, Vec<TermId>)> = Vec::new();
        for (e, entry) in kb.entries.iter().enumerate() {
            let e = e as u32;
            let mut main: Vec<TermId> = Vec::new();
            for text in entry.questions.iter().chain([&entry.title]) {
                let ids: Vec<TermId> = analyzer
                    .terms_of(text)
                    .iter()
                    .map(|t| intern(t, &mut terms))
                    .collect();
                main.extend(&ids);
                if !ids.is_empty() {
                    phrasing_terms.push((e, ids));
                }
            }
            // Keywords that read the same once rewritten and stemmed ("pop", "popping",
            // "squeezed") are one keyword: a message saying "squeeze" once should not count it
            // seven times.
            let mut seen: Vec<Vec<TermId>> = Vec::new();
            for keyword in &entry.keywords {
                let mut ids: Vec<TermId> = analyzer
                    .terms_of(keyword)
                    .iter()
                    .map(|t| intern(t, &mut terms))
                    .collect();
                main.extend(&ids);
                ids.sort_unstable();
                if !ids.is_empty() && !seen.contains(&ids) {
                    seen.push(ids.clone());
                    keyword_terms.push((e, ids));
                }
            }
            main.sort_unstable();
            main.dedup();
            let mut answer: Vec<TermId> = analyzer
                .terms_of(&entry.answer)
                .iter()
                .map(|t| intern(t, &mut terms))
                .filter(|id| main.binary_search(id).is_err())
                .collect();
            answer.sort_unstable();
            answer.dedup();
            entry_terms.push((main, answer));
        }

        let n_terms = terms.len();
        let n = kb.entries.len() as f32;
        let mut df = vec![0f32; n_terms];
        let mut entry_postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n_terms];
        for (e, (main, answer)) in entry_terms.iter().enumerate() {
            for &t in main {
                df[t as usize] += 1.0;
                entry_postings[t as usize].push((e as u32, 1.0));
            }
            for &t in answer {
                df[t as usize] += ANSWER_ONLY_WEIGHT;
                entry_postings[t as usize].push((e as u32, ANSWER_ONLY_WEIGHT));
            }
        }
        // BM25's idf: near zero for a term every entry uses, high for one entry's own word.
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| (1.0 + (n - d + 0.5).max(0.0) / (d + 0.5)).ln())
            .collect();
        let max_idf = idf.iter().copied().fold(0.0, f32::max);

        let mut phrasing_postings: Vec<Vec<u32>> = vec![Vec::new(); n_terms];
        let mut phrasings = Vec::with_capacity(phrasing_terms.len());
        for (p, (entry, ids)) in phrasing_terms.iter().enumerate() {
            let mut norm = 0.0;
            for &t in ids {
                phrasing_postings[t as usize].push(p as u32);
                norm += idf[t as usize] * idf[t as usize];
            }
            phrasings.push(Phrasing {
                entry: *entry,
                norm: norm.sqrt(),
            });
        }

        let mut keyword_postings: Vec<Vec<u32>> = vec![Vec::new(); n_terms];
        let mut keywords = Vec::with_capacity(keyword_terms.len());
        for (k, (entry, ids)) in keyword_terms.iter().enumerate() {
            for &t in ids {
                keyword_postings[t as usize].push(k as u32);
            }
            keywords.push(Keyword {
                entry: *entry,
                terms: ids.len(),
                weight: ids.iter().map(|&t| idf[t as usize]).sum(),
            });
        }

        let mut pattern_list = Vec::new();
        let mut pattern_entry = Vec::new();
        for (e, entry) in kb.entries.iter().enumerate() {
            for pattern in &entry.patterns {
                pattern_list.push(pattern.as_str());
                pattern_entry.push(e as u32);
            }
        }
        let patterns = compile_set(pattern_list)?;

        let mut question_terms = vec![false; n_terms];
        for word in &kb.lexicon.question_words {
            for term in analyzer.terms_of(word) {
                if let Some(&t) = terms.get(&term) {
                    question_terms[t as usize] = true;
                }
            }
        }

        Ok(Index {
            question_terms,
            terms,
            idf,
            phrasings,
            phrasing_postings,
            entry_postings,
            keywords,
            keyword_postings,
            patterns,
            pattern_entry,
            unknown_weight: max_idf * super::UNKNOWN_TERM_SHARE,
            entries: kb.entries.len(),
        })
    }
}
