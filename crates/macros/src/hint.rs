//! "Did you mean ...?": the one typo hint of the project, shared by the scope macros and the
//! spec generator (`xtask` includes this file), so a misspelled scope and a misspelled spec key
//! are judged alike.

/// The candidate closest to `word`, when it is close enough to be a likely typo
/// (Jaro-Winkler for long words, Damerau-Levenshtein for short ones like `GTE`). Case is ignored;
/// among equally close candidates the first in alphabetical order wins, so the hint is stable.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let lower = c.to_lowercase();
            let jw = strsim::jaro_winkler(&word, &lower);
            let dl = strsim::normalized_damerau_levenshtein(&word, &lower);
            (jw.max(dl), jw > 0.85 || dl >= 0.6, c)
        })
        .filter(|(_, close, _)| *close)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.2.cmp(a.2)))
        .map(|(_, _, c)| c)
}
