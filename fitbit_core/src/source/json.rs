//! JSON decoding shared by the API sources: strip a UTF-8 BOM, report the failing JSON path.

use serde::de::DeserializeOwned;

use crate::{Error, Result};

/// Decode `body` as `T`. A leading UTF-8 BOM is ignored. On failure the error names the
/// response (`what`) and the JSON path that did not match (`activities-heart[0].value`).
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T> {
    let body = without_bom(body);
    // Fast path: plain serde_json. Only when that fails is the body decoded again with path
    // tracking, to say where it failed (tracking every path costs about half the parse time).
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| Error::Parse {
        what: what.to_string(),
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    de.end().map_err(|e| Error::Parse {
        what: what.to_string(),
        path: ".".into(),
        message: e.to_string(),
    })?;
    Ok(value)
}

/// Decode `body` as `T` borrowing from it, or `None`: for fast paths whose caller falls back
/// to [`decode`] (which names the failing JSON path) when this does not work.
pub(crate) fn decode_borrowed<'a, T: serde::Deserialize<'a>>(body: &'a [u8]) -> Option<T> {
    serde_json::from_slice(without_bom(body)).ok()
}

/// `body` without a leading UTF-8 byte order mark: the crate's one BOM strip, for API bodies,
/// export files and the config (Windows editors write one).
pub(crate) fn without_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// A [`Error::Parse`] for a value that deserialized but does not make sense (a bad date).
pub(crate) fn invalid(what: &str, path: impl Into<String>, message: impl Into<String>) -> Error {
    Error::Parse {
        what: what.to_string(),
        path: path.into(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Outer {
        #[allow(dead_code)]
        a: Vec<Inner>,
    }
    #[derive(serde::Deserialize, Debug)]
    struct Inner {
        #[allow(dead_code)]
        b: u8,
    }

    #[test]
    fn bom_is_skipped_and_path_reported() {
        assert!(decode::<Outer>(b"\xEF\xBB\xBF{\"a\":[{\"b\":1}]}", "t").is_ok());
        match decode::<Outer>(b"{\"a\":[{\"b\":1},{\"b\":\"x\"}]}", "thing") {
            Err(Error::Parse { what, path, .. }) => {
                assert_eq!(what, "thing");
                assert_eq!(path, "a[1].b");
            }
            other => panic!("{other:?}"),
        }
        assert!(decode::<Outer>(b"{\"a\":[]} trailing", "t").is_err());
    }

    #[test]
    fn only_a_leading_bom_is_removed() {
        assert_eq!(without_bom(b"\xEF\xBB\xBF{}"), b"{}");
        assert_eq!(without_bom(b"{}\xEF\xBB\xBF"), b"{}\xEF\xBB\xBF");
        assert_eq!(without_bom(b"\xEF\xBB"), b"\xEF\xBB");
        assert_eq!(without_bom(b""), b"");
    }
}
