//! Did-you-mean.

/// The candidate closest to `name`, when it is close enough to be what was meant.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| {
            // A difference of case only is the likeliest slip of all.
            let distance = if c.to_lowercase() == lower {
                0
            } else {
                strsim::damerau_levenshtein(&lower, &c.to_lowercase())
            };
            (distance, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_near_misses_and_rejects_strangers() {
        let names = ["resource", "actor", "args", "state"];
        assert_eq!(closest("resorce", names).as_deref(), Some("resource"));
        assert_eq!(closest("Actor", names).as_deref(), Some("actor"));
        assert_eq!(closest("arsg", names).as_deref(), Some("args"));
        assert_eq!(closest("zebra", names), None);
        assert_eq!(closest("a", names), None);
    }
}
