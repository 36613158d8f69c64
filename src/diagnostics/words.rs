//! The one list joiner for messages: "`a`, `b` or `c`", "`a` and `b`".

/// How the last two items of a list are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Last {
    /// `a, b or c`: alternatives (expected values, suggestions).
    Or,
    /// `a, b and c`: all of them.
    And,
    /// `a, b, and c` (the serial comma from three items on): lists of catalogue paths, whose
    /// dots and backticks read more easily with the extra comma.
    SerialAnd,
}

/// `items` joined for a sentence: nothing, `a`, `a and b`, `a, b and c` (per `last`).
pub fn join<S: AsRef<str>>(items: &[S], last: Last) -> String {
    let word = match last {
        Last::Or => " or ",
        Last::And => " and ",
        Last::SerialAnd if items.len() > 2 => ", and ",
        Last::SerialAnd => " and ",
    };
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., final_item] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{}{word}{}", init.join(", "), final_item.as_ref())
        }
    }
}

/// Each item in backticks, then [`join`]ed: "`eu` or `uk`".
pub fn backticked<S: AsRef<str>>(items: &[S], last: Last) -> String {
    let quoted: Vec<String> = items.iter().map(|w| format!("`{}`", w.as_ref())).collect();
    join(&quoted, last)
}

#[cfg(test)]
mod tests {
    use super::{backticked, join, Last};

    #[test]
    fn lists_read_as_sentences() {
        let none: [&str; 0] = [];
        assert_eq!(join(&none, Last::Or), "");
        assert_eq!(join(&["a"], Last::And), "a");
        assert_eq!(join(&["a", "b"], Last::Or), "a or b");
        assert_eq!(join(&["a", "b", "c"], Last::Or), "a, b or c");
        assert_eq!(join(&["a", "b", "c"], Last::And), "a, b and c");
        assert_eq!(join(&["a", "b"], Last::SerialAnd), "a and b");
        assert_eq!(join(&["a", "b", "c"], Last::SerialAnd), "a, b, and c");
        assert_eq!(backticked(&["eu", "uk"], Last::Or), "`eu` or `uk`");
    }
}
