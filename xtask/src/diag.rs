//! Spec diagnostics: what is wrong, where (file, line, column), and how to fix it.

use std::fmt;

/// One problem in the spec set.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The spec file, as given to the loader (relative to the workspace root when run by xtask).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every diagnostic of a run, one after the other, then a count.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    let n = diagnostics.len();
    out.push_str(&format!(
        "{n} error{} in the specs; nothing was generated\n",
        if n == 1 { "" } else { "s" }
    ));
    out
}

/// The candidate closest to `word`, when it is close enough to be a likely typo
/// (Jaro-Winkler for long words, Damerau-Levenshtein for short ones like `GTE`).
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
