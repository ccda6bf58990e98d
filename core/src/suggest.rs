//! What a caller probably meant by a key an options object does not take:
//! `timeout` → `timeoutMs`, `base_url` → `baseUrl`, `dashboardId` →
//! `dashboard_id`, `format` → `result_format`, a typo → the word. And what
//! to say of options other Looker SDKs have that this client does not.

/// Options other Looker clients take that have no equal here, with what to
/// say instead: keyed by their normalized name (see [`normalized`]).
const NOTES: &[(&str, &str)] = &[
    (
        "verifyssl",
        "certificates are always checked; plain http is only used for this machine, or with allowInsecureHttp: true",
    ),
    ("apiversion", "looker-render speaks Looker API 4.0"),
    ("agenttag", "requests carry no agent tag of their own"),
];

/// What to tell a caller about an unknown key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hint {
    /// A key of the object that is probably the one meant.
    Key(&'static str),
    /// Why there is no such option, and what happens instead.
    Note(&'static str),
}

/// The hint for `unknown`, a key that `known` (an object's keys) lacks.
pub fn hint(unknown: &str, known: &[&'static str]) -> Option<Hint> {
    let wanted = normalized(unknown)?;
    if let Some((_, note)) = NOTES.iter().find(|(name, _)| wanted.as_slice() == name.as_bytes()) {
        return Some(Hint::Note(note));
    }
    let mut best: Option<(usize, &'static str)> = None;
    for &key in known {
        let Some(candidate) = normalized(key) else { continue };
        let score = if candidate == wanted {
            // The same words in another case or separator: base_url, baseURL.
            0
        } else if wanted.len() >= 4 && (candidate.starts_with(&wanted) || candidate.ends_with(&wanted)) {
            // A part of the name: timeout for timeoutMs, format for result_format.
            1
        } else {
            // A typo: a few letters off in a long enough name.
            match distance(&wanted, &candidate) {
                Some(d) if d <= 2 && wanted.len() >= 5 => 1 + d,
                _ => continue,
            }
        };
        if best.map_or(true, |(best, _)| score < best) {
            best = Some((score, key));
        }
    }
    best.map(|(_, key)| Hint::Key(key))
}

/// The letters and digits of an ASCII name, lowercase: `base_url`, `baseURL`
/// and `BaseUrl` are all `baseurl`. `None` for a name too long to be an option.
fn normalized(name: &str) -> Option<Vec<u8>> {
    if name.len() > 40 {
        return None;
    }
    // A plain loop: smaller in the wasm than a filter-map-collect chain.
    let mut out = Vec::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() {
            out.push(byte.to_ascii_lowercase());
        }
    }
    Some(out)
}

/// The edit distance of two short names (insertions, deletions, substitutions).
fn distance(a: &[u8], b: &[u8]) -> Option<usize> {
    // One row of the table; names are at most 40 bytes (see `normalized`).
    let mut row = [0usize; 41];
    let row = row.get_mut(..=b.len())?;
    for (j, cell) in row.iter_mut().enumerate() {
        *cell = j;
    }
    for (i, &x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(x != y)).min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: &[&str] = &["baseUrl", "accessToken", "clientId", "clientSecret", "timeoutMs", "maxRetries", "fetch"];
    const REQUEST: &[&str] = &["look_id", "dashboard_id", "result_format", "width", "height", "pdf_paper_size"];

    #[test]
    fn what_people_from_other_sdks_write() {
        for (written, meant) in [
            ("timeout", "timeoutMs"),
            ("base_url", "baseUrl"),
            ("baseURL", "baseUrl"),
            ("client_id", "clientId"),
            ("client_secret", "clientSecret"),
            ("access_token", "accessToken"),
            ("max_retries", "maxRetries"),
            ("timeoutMS", "timeoutMs"),
        ] {
            assert_eq!(hint(written, CLIENT), Some(Hint::Key(meant)), "{written}");
        }
        for (written, meant) in [
            ("dashboardId", "dashboard_id"),
            ("lookId", "look_id"),
            ("format", "result_format"),
            ("resultFormat", "result_format"),
            ("pdfPaperSize", "pdf_paper_size"),
            ("widht", "width"),
        ] {
            assert_eq!(hint(written, REQUEST), Some(Hint::Key(meant)), "{written}");
        }
    }

    #[test]
    fn options_that_do_not_exist_here_get_a_note() {
        assert!(matches!(hint("verify_ssl", CLIENT), Some(Hint::Note(note)) if note.contains("certificates")));
        assert!(matches!(hint("verifySsl", CLIENT), Some(Hint::Note(_))));
    }

    #[test]
    fn nothing_close_is_nothing() {
        assert_eq!(hint("bogus", CLIENT), None);
        assert_eq!(hint("x", CLIENT), None);
        assert_eq!(hint("", CLIENT), None);
        assert_eq!(hint(&"a".repeat(1000), CLIENT), None);
        assert_eq!(distance(b"kitten", b"sitting"), Some(3));
    }
}
