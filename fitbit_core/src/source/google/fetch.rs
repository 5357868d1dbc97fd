//! Paging over [`ApiGet`] and the fetchers: one filtered list query per request, followed
//! through `nextPageToken`, results ascending.

use std::collections::{BTreeMap, HashSet};

use chrono::{Days, NaiveDate};
use chrono_tz::Tz;

use super::models::DataPoint;
use super::parse::{self, Settings, sort_by_instant};
use super::query::{DataType, date_filter, list_url, physical_time_filter, settings_url};
use crate::http::ApiGet;
use crate::record::{DailyHr, DailyHrv, HrSample, HrvSample};
use crate::source::json::invalid;
use crate::{Error, Result, time};

/// `pageSize` sent with every list request: the documented maximum, so a day takes the fewest
/// pages (the server may still return fewer points per page).
pub const PAGE_SIZE: u32 = 10_000;
/// Give up after this many pages of one query (a server that never stops paging).
pub const MAX_PAGES: usize = 1_000;

/// Items gathered over all pages of a query, and how many pages (requests) that took.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Paged<T> {
    /// Everything gathered, in the fetcher's order.
    pub items: Vec<T>,
    /// Requests made (one per page).
    pub pages: usize,
}

/// The user's time zone and current offset: `GET {base}/v4/users/me/settings`.
pub fn fetch_settings(api: &mut dyn ApiGet, base: &str) -> Result<Settings> {
    parse::parse_settings(&api.get(&settings_url(base))?)
}

/// Heart-rate samples of the user's LOCAL day `day` in zone `tz` (23 h or 25 h on DST days),
/// ascending. Filter: `heart_rate.sample_time.physical_time` within the day's UTC bounds.
pub fn fetch_heart_intraday(
    api: &mut dyn ApiGet,
    base: &str,
    day: NaiveDate,
    tz: Tz,
) -> Result<Paged<HrSample>> {
    let (start, end) = time::local_day_bounds(day, tz);
    let filter = physical_time_filter(DataType::HeartRate, start, end);
    let what = "Google Health heart-rate list";
    let pages = list_pages_pipelined(api, base, DataType::HeartRate, &filter, what, |body, w| {
        parse::heart_rate_page(body, Some(tz), w)
    })?;
    Ok(Paged {
        pages: pages.len(),
        items: ascending(pages, |s| s.time),
    })
}

/// All pages' items ascending by instant, as [`sort_by_instant`] would put them in page order.
/// Each page is ascending already and pages come newest first, so the pages in reverse order
/// are usually the answer: taken when that is strictly ascending (all instants distinct, so the
/// stable sort has only that one result), else the stable sort.
fn ascending<T>(pages: Vec<Vec<T>>, time: impl Fn(&T) -> crate::record::Timestamp) -> Vec<T> {
    let key = |x: &T| parse::instant_key(time(x));
    let strictly_ascending = pages
        .iter()
        .rev()
        .flatten()
        .map(key)
        .try_fold(None, |last, k| match last {
            Some(l) if l >= k => Err(()),
            _ => Ok(Some(k)),
        })
        .is_ok();
    if strictly_ascending {
        return pages.into_iter().rev().flatten().collect();
    }
    let mut items: Vec<T> = pages.into_iter().flatten().collect();
    sort_by_instant(&mut items, time);
    items
}

/// HRV samples (RMSSD, SDNN) from local midnight of `start` to local midnight after `end`.
pub fn fetch_hrv_intraday(
    api: &mut dyn ApiGet,
    base: &str,
    start: NaiveDate,
    end: NaiveDate,
    tz: Tz,
) -> Result<Paged<HrvSample>> {
    crate::time::check_range(start, end)?;
    let (from, _) = time::local_day_bounds(start, tz);
    let (_, to) = time::local_day_bounds(end, tz);
    let filter = physical_time_filter(DataType::HeartRateVariability, from, to);
    let what = "Google Health heart-rate-variability list";
    let mut paged = list_all(
        api,
        base,
        DataType::HeartRateVariability,
        &filter,
        what,
        |p, w| parse::hrv_samples(p, Some(tz), w),
    )?;
    sort_by_instant(&mut paged.items, |s| s.time);
    Ok(paged)
}

/// Daily resting heart rate for `start..=end`, ascending, one per date.
pub fn fetch_resting_daily(
    api: &mut dyn ApiGet,
    base: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Paged<DailyHr>> {
    let dt = DataType::DailyRestingHeartRate;
    let filter = date_filter(dt, start, day_after(start, end)?);
    let what = "Google Health daily-resting-heart-rate list";
    let paged = list_all(api, base, dt, &filter, what, parse::resting_days)?;
    Ok(one_per_date(paged, |d| d.date))
}

/// Nightly HRV for `start..=end`, ascending, one per date.
pub fn fetch_hrv_daily(
    api: &mut dyn ApiGet,
    base: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Paged<DailyHrv>> {
    let dt = DataType::DailyHeartRateVariability;
    let filter = date_filter(dt, start, day_after(start, end)?);
    let what = "Google Health daily-heart-rate-variability list";
    let paged = list_all(api, base, dt, &filter, what, parse::hrv_days)?;
    Ok(one_per_date(paged, |d| d.date))
}

/// Run one list query through all its pages (see [`list_pages`]), items in page order.
fn list_all<T>(
    api: &mut dyn ApiGet,
    base: &str,
    dt: DataType,
    filter: &str,
    what: &str,
    convert: impl Fn(&[DataPoint], &str) -> Result<Vec<T>>,
) -> Result<Paged<T>> {
    let pages = list_pages(api, base, dt, filter, what, |body, w| {
        let page = parse::parse_page(body, w)?;
        Ok((convert(&page.data_points, w)?, page.next_page_token))
    })?;
    Ok(Paged {
        pages: pages.len(),
        items: pages.into_iter().flatten().collect(),
    })
}

/// Run one list query through all its pages, `read` turning a body into items and the
/// `nextPageToken`. Stops when `nextPageToken` is absent or empty; empty pages with a token are
/// followed; a repeated token is an error.
fn list_pages<T>(
    api: &mut dyn ApiGet,
    base: &str,
    dt: DataType,
    filter: &str,
    what: &str,
    read: impl Fn(&[u8], &str) -> Result<(Vec<T>, Option<String>)>,
) -> Result<Vec<Vec<T>>> {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut token: Option<String> = None;
    let mut seen = HashSet::new();
    loop {
        if pages >= MAX_PAGES {
            return Err(too_many_pages(what));
        }
        let body = api.get(&list_url(base, dt, filter, PAGE_SIZE, token.as_deref()))?;
        pages += 1;
        let page_what = format!("{what} (page {pages})");
        let (page, next) = read(&body, &page_what)?;
        items.push(page);
        match next.filter(|t| !t.is_empty()) {
            None => break,
            Some(t) if !seen.insert(t.clone()) => return Err(repeated_token(&page_what)),
            Some(t) => token = Some(t),
        }
    }
    Ok(items)
}

/// [`list_pages`] with each page read on another thread while the next one is fetched. The
/// next request needs the page's `nextPageToken`, which comes last in Google's bodies: it is
/// taken from the body's tail ([`tail_token`]) to fetch ahead, and that body is used only when
/// the token the page is read to have is the same (otherwise it is fetched again). So the pages,
/// their order and the errors are those of [`list_pages`]; only a page that fails to read may
/// have been followed by one request too many.
fn list_pages_pipelined<T: Send>(
    api: &mut dyn ApiGet,
    base: &str,
    dt: DataType,
    filter: &str,
    what: &str,
    read: impl Fn(&[u8], &str) -> Result<(Vec<T>, Option<String>)> + Sync,
) -> Result<Vec<Vec<T>>> {
    use std::sync::mpsc;
    let read = &read;
    std::thread::scope(|scope| {
        let (to_reader, bodies) = mpsc::channel::<(usize, Vec<u8>)>();
        let (to_main, read_pages) = mpsc::channel();
        scope.spawn(move || {
            for (n, body) in bodies {
                let answer = read(&body, &format!("{what} (page {n})"));
                if to_main.send(answer).is_err() {
                    break;
                }
            }
        });
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = HashSet::new();
        // A body fetched with the token guessed from the previous body's tail.
        let mut ahead: Option<(String, Result<Vec<u8>>)> = None;
        loop {
            if out.len() >= MAX_PAGES {
                return Err(too_many_pages(what));
            }
            let body = match ahead.take() {
                Some((guess, body)) if token.as_ref() == Some(&guess) => body?,
                _ => api.get(&list_url(base, dt, filter, PAGE_SIZE, token.as_deref()))?,
            };
            let page = out.len() + 1;
            let guess = tail_token(&body).filter(|g| !g.is_empty() && !seen.contains(g));
            // The reader thread ends with the scope, when `to_reader` is dropped.
            let _ = to_reader.send((page, body));
            if let Some(g) = guess.filter(|_| page < MAX_PAGES) {
                let body = api.get(&list_url(base, dt, filter, PAGE_SIZE, Some(&g)));
                ahead = Some((g, body));
            }
            let (items, next) = read_pages.recv().map_err(|_| {
                invalid(
                    what,
                    ".",
                    "the page reader stopped (a bug: please report it)",
                )
            })??;
            out.push(items);
            match next.filter(|t| !t.is_empty()) {
                None => return Ok(out),
                Some(t) if !seen.insert(t.clone()) => {
                    return Err(repeated_token(&format!("{what} (page {page})")));
                }
                Some(t) => token = Some(t),
            }
        }
    })
}

/// The `nextPageToken` at the very end of a body (`…,"nextPageToken": "…"}` and white space,
/// where proto3 JSON writes it), without reading the body: a guess, checked by the caller.
fn tail_token(body: &[u8]) -> Option<String> {
    fn trim_end(b: &[u8]) -> &[u8] {
        let n = b
            .iter()
            .rposition(|c| !c.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        &b[..n]
    }
    let b = trim_end(body).strip_suffix(b"}")?;
    let b = trim_end(b).strip_suffix(b"\"")?;
    let open = b.iter().rposition(|&c| c == b'"')?;
    let value = &b[open + 1..];
    if value.iter().any(|&c| c == b'\\' || c < 0x20) {
        return None;
    }
    let b = trim_end(&b[..open]).strip_suffix(b":")?;
    if !trim_end(b).ends_with(b"\"nextPageToken\"") {
        return None;
    }
    String::from_utf8(value.to_vec()).ok()
}

fn too_many_pages(what: &str) -> Error {
    invalid(
        what,
        "nextPageToken",
        format!("still more pages after {MAX_PAGES}; ask for a shorter date range"),
    )
}

fn repeated_token(page_what: &str) -> Error {
    invalid(
        page_what,
        "nextPageToken",
        "the server sent a page token it had sent before; stopped to avoid an endless loop. \
         Try again later",
    )
}

fn one_per_date<T>(paged: Paged<T>, date: impl Fn(&T) -> NaiveDate) -> Paged<T> {
    let mut by_date = BTreeMap::new();
    for item in paged.items {
        by_date.insert(date(&item), item);
    }
    Paged {
        items: by_date.into_values().collect(),
        pages: paged.pages,
    }
}

/// `end + 1`, the exclusive upper bound of a `.date` filter.
fn day_after(start: NaiveDate, end: NaiveDate) -> Result<NaiveDate> {
    crate::time::check_range(start, end)?;
    end.checked_add_days(Days::new(1))
        .ok_or_else(|| Error::InvalidInput {
            what: format!("end date {end}"),
            hint: "use a date before the year 262143".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_token_reads_only_a_last_token_member() {
        assert_eq!(
            tail_token(br#"{"dataPoints":[],"nextPageToken":"djF8MHwx"}"#).as_deref(),
            Some("djF8MHwx")
        );
        let pretty = b"{\n  \"dataPoints\": [],\n  \"nextPageToken\": \"a-b_c\"\n}\n";
        assert_eq!(tail_token(pretty).as_deref(), Some("a-b_c"));
        for body in [
            &br#"{"dataPoints":[]}"#[..],
            br#"{}"#,
            br#"{"nextPageToken":"a\"b"}"#,
            br#"{"dataPoints":[{"name":"x"}],"other":"tok"}"#,
            br#"{"nextPageToken":"abc""#,
            b"",
        ] {
            assert_eq!(tail_token(body), None, "{}", String::from_utf8_lossy(body));
        }
    }
}
