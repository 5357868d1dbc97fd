//! [`HttpClient`]: a [`Transport`] plus the retry policy. 5xx, dropped connections and timeouts
//! are retried with capped exponential backoff; 429 waits for the rate-limit reset; other 4xx
//! are returned to the caller at once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;

use super::envelope::api_error;
use super::pace::{Budget, Pacer};
use super::transport::TransportErrorKind;
use super::transport::{Method, Request, ReqwestTransport, Response, Transport, TransportError};
use crate::provider::Provider;
use crate::{Error, Result};

/// How often and how long to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 5).
    pub max_retries: u32,
    /// First backoff delay; doubled on each retry (default 1 s).
    pub base_delay: Duration,
    /// Cap on any backoff delay (default 60 s).
    pub max_delay: Duration,
    /// Added to Fitbit's `Fitbit-Rate-Limit-Reset` (default 10 s): its clock is approximate.
    pub rate_limit_margin: Duration,
    /// Waits longer than this are announced through the notifier (default 5 s).
    pub announce_after: Duration,
    /// Rate-limit (429) waits in a row before giving up (default 30). They are not failures
    /// and do not count against `max_retries`: the request is sent again after the wait.
    pub max_rate_limit_waits: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            rate_limit_margin: Duration::from_secs(10),
            announce_after: Duration::from_secs(5),
            max_rate_limit_waits: 30,
        }
    }
}

impl RetryPolicy {
    /// Backoff before retry number `retry` (0-based): `base * 2^retry`, capped at `max_delay`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let p = fitbit_core::http::RetryPolicy::default();
    /// assert_eq!(p.backoff(0), Duration::from_secs(1));
    /// assert_eq!(p.backoff(3), Duration::from_secs(8));
    /// assert_eq!(p.backoff(30), Duration::from_secs(60));
    /// ```
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// Something that waits. The real one sleeps the thread; tests record instead.
pub trait Sleeper: Send {
    /// Waits for `d`.
    fn sleep(&self, d: Duration);
}

/// Sleeps the current thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleeper;

impl Sleeper for ThreadSleeper {
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// Records the waits without waiting. Clones share the record.
#[derive(Debug, Clone, Default)]
pub struct RecordingSleeper {
    slept: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleeper {
    /// An empty record.
    pub fn new() -> Self {
        Self::default()
    }
    /// The waits so far, in order.
    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, d: Duration) {
        if let Ok(mut v) = self.slept.lock() {
            v.push(d);
        }
    }
}

/// The rate-limit headers of the last response that had them (Fitbit sends them on every answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// `Fitbit-Rate-Limit-Limit`: the quota (150 per hour).
    pub limit: Option<u64>,
    /// `Fitbit-Rate-Limit-Remaining`: calls left in this window.
    pub remaining: Option<u64>,
    /// `Fitbit-Rate-Limit-Reset`: seconds until the window resets.
    pub reset_secs: Option<u64>,
}

impl RateLimit {
    /// Reads the headers, if any of them is present.
    pub fn from_response(resp: &Response) -> Option<RateLimit> {
        let num = |name: &str| {
            resp.header(name)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
                .map(|v| v.ceil() as u64)
        };
        let rl = RateLimit {
            limit: num("Fitbit-Rate-Limit-Limit"),
            remaining: num("Fitbit-Rate-Limit-Remaining"),
            reset_secs: num("Fitbit-Rate-Limit-Reset"),
        };
        (rl != RateLimit::default()).then_some(rl)
    }
}

/// Sends requests with retries, backoff and rate-limit waits.
pub struct HttpClient {
    transport: Box<dyn Transport>,
    policy: RetryPolicy,
    sleeper: Box<dyn Sleeper>,
    notify: Box<dyn Fn(&str) + Send>,
    last_rate_limit: Mutex<Option<RateLimit>>,
    pacers: Vec<Arc<Pacer>>,
    budget: Option<Arc<Budget>>,
    sent: AtomicU64,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Default for HttpClient {
    /// reqwest, the default policy, real sleeps, announcements on stderr. If the TLS client
    /// cannot be built, every request fails with a clear [`Error::Network`].
    fn default() -> Self {
        let transport: Box<dyn Transport> = match ReqwestTransport::new() {
            Ok(t) => Box::new(t),
            Err(e) => Box::new(BrokenTransport(e)),
        };
        HttpClient::from_box(transport).with_notifier(|m| eprintln!("{m}"))
    }
}

struct BrokenTransport(TransportError);

impl Transport for BrokenTransport {
    fn send(&self, _req: &Request) -> Result<Response, TransportError> {
        Err(self.0.clone())
    }
}

impl HttpClient {
    /// A client over `transport` with the default policy, real sleeps and no announcements.
    pub fn new(transport: impl Transport + 'static) -> Self {
        Self::from_box(Box::new(transport))
    }

    fn from_box(transport: Box<dyn Transport>) -> Self {
        HttpClient {
            transport,
            policy: RetryPolicy::default(),
            sleeper: Box::new(ThreadSleeper),
            notify: Box::new(|_| {}),
            last_rate_limit: Mutex::new(None),
            pacers: Vec::new(),
            budget: None,
            sent: AtomicU64::new(0),
        }
    }

    /// Replaces the retry policy.
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Replaces the sleeper (tests pass a [`RecordingSleeper`]).
    pub fn with_sleeper(mut self, sleeper: impl Sleeper + 'static) -> Self {
        self.sleeper = Box::new(sleeper);
        self
    }

    /// Receives announcements of long waits.
    pub fn with_notifier(mut self, notify: impl Fn(&str) + Send + 'static) -> Self {
        self.notify = Box::new(notify);
        self
    }

    /// Replaces the receiver of announcements (a progress bar prints them above itself).
    pub fn set_notifier(&mut self, notify: impl Fn(&str) + Send + 'static) {
        self.notify = Box::new(notify);
    }

    /// Paces every GET (data request) to these quotas: for example one user's and the whole
    /// project's, each shared by the clients that draw on it.
    pub fn set_pacers(&mut self, pacers: Vec<Arc<Pacer>>) {
        self.pacers = pacers;
    }

    /// Stops sending GETs once `budget` is spent: they fail with [`Error::BudgetSpent`].
    pub fn set_budget(&mut self, budget: Option<Arc<Budget>>) {
        self.budget = budget;
    }

    /// GET requests sent so far (every attempt, retries included): what the quota counts.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// The policy in use.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// The rate-limit headers of the last response that carried them.
    pub fn last_rate_limit(&self) -> Option<RateLimit> {
        self.last_rate_limit.lock().ok().and_then(|g| *g)
    }

    /// Sends `req`, retrying as the policy says. Returns the response for 2xx and for 4xx
    /// other than 429 (the caller maps those); after the last retry a 5xx or 429 becomes the
    /// mapped API error and a transport failure becomes [`Error::Network`].
    ///
    /// A POST (token requests: a refresh token is single-use) is retried only when it surely
    /// did not reach the server (a connect error) or the server answered 5xx.
    pub fn send(&self, provider: Provider, req: &Request) -> Result<Response> {
        let is_post = req.method == Method::Post;
        let mut retry = 0u32;
        let mut rate_waits = 0u32;
        loop {
            if !is_post {
                self.before_get()?;
            }
            let outcome = self.transport.send(req);
            let wait = match &outcome {
                Ok(resp) => {
                    if let Some(rl) = RateLimit::from_response(resp)
                        && let Ok(mut g) = self.last_rate_limit.lock()
                    {
                        *g = Some(rl);
                    }
                    if resp.status == 429 && !is_post {
                        Some(self.rate_limit_wait(provider, resp, rate_waits))
                    } else if resp.status >= 500 {
                        Some(Wait::Backoff(self.policy.backoff(retry)))
                    } else {
                        None
                    }
                }
                Err(e) => {
                    if is_post && e.kind != TransportErrorKind::Connect {
                        None
                    } else {
                        Some(Wait::Backoff(self.policy.backoff(retry)))
                    }
                }
            };
            let allowed = match &wait {
                Some(Wait::RateLimit { .. }) => rate_waits < self.policy.max_rate_limit_waits,
                Some(Wait::Backoff(_)) => retry < self.policy.max_retries,
                None => false,
            };
            let Some(wait) = wait.filter(|_| allowed) else {
                return match outcome {
                    Ok(resp) if resp.status == 429 || resp.status >= 500 => {
                        Err(api_error(provider, resp.status, &resp.body))
                    }
                    Ok(resp) => Ok(resp),
                    Err(e) => Err(Error::Network {
                        url: strip_query(&req.url),
                        message: if retry > 0 {
                            format!("{} (gave up after {} retries)", e.message, retry)
                        } else {
                            e.message
                        },
                    }),
                };
            };
            let d = wait.duration();
            let attempt = match wait {
                Wait::RateLimit { .. } => {
                    rate_waits += 1;
                    format!("wait {rate_waits} of {}", self.policy.max_rate_limit_waits)
                }
                Wait::Backoff(_) => {
                    retry += 1;
                    format!("retry {retry} of {}", self.policy.max_retries)
                }
            };
            if d > self.policy.announce_after {
                let why = match (&wait, &outcome) {
                    (Wait::RateLimit { text, .. }, _) => text.clone(),
                    (_, Ok(resp)) => format!("{provider} server answered HTTP {}", resp.status),
                    (_, Err(e)) => format!("{provider} request failed ({:?})", e.kind),
                };
                (self.notify)(&format!(
                    "{why}: waiting {}, until {} ({attempt})",
                    human_duration(d),
                    until_utc(d),
                ));
            }
            self.sleeper.sleep(d);
        }
    }

    /// Budget and pacing before a GET goes out.
    fn before_get(&self) -> Result<()> {
        if let Some(b) = &self.budget
            && !b.take()
        {
            return Err(Error::BudgetSpent {
                requests: b.spent(),
            });
        }
        let mut longest: Option<(Duration, &Pacer)> = None;
        for p in &self.pacers {
            let d = p.reserve();
            if longest.is_none_or(|(l, _)| d > l) {
                longest = Some((d, p));
            }
        }
        if let Some((d, p)) = longest
            && !d.is_zero()
        {
            if d > self.policy.announce_after {
                (self.notify)(&format!(
                    "pacing to {}: waiting {}, until {}",
                    p.describe(),
                    human_duration(d),
                    until_utc(d)
                ));
            }
            self.sleeper.sleep(d);
        }
        self.sent.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn rate_limit_wait(&self, provider: Provider, resp: &Response, retry: u32) -> Wait {
        let secs = |name: &str| {
            resp.header(name)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
                .map(|v| Duration::from_secs(v.ceil() as u64))
        };
        let retry_after = secs("Retry-After");
        let d = match provider {
            // Retry-After is documented as inaccurate on Fitbit: prefer the reset header.
            Provider::Fitbit => match secs("Fitbit-Rate-Limit-Reset").or(retry_after) {
                Some(reset) => reset + self.policy.rate_limit_margin,
                None => self.policy.backoff(retry),
            },
            Provider::Google => retry_after.unwrap_or_else(|| self.policy.backoff(retry)),
        };
        let text = match provider {
            Provider::Fitbit => {
                let limit = resp
                    .header("Fitbit-Rate-Limit-Limit")
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(150);
                format!("Fitbit rate limit reached ({limit} requests/hour)")
            }
            Provider::Google => {
                "Google Health API rate limit reached (300 requests/minute per user)".to_string()
            }
        };
        Wait::RateLimit { d, text }
    }
}

enum Wait {
    Backoff(Duration),
    RateLimit { d: Duration, text: String },
}

impl Wait {
    fn duration(&self) -> Duration {
        match self {
            Wait::Backoff(d) => *d,
            Wait::RateLimit { d, .. } => *d,
        }
    }
}

/// `12 min 5 s`, `1 h 0 min 10 s`, `45 s`.
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, _) => format!("{m} min {s} s"),
        _ => format!("{h} h {m} min {s} s"),
    }
}

fn until_utc(d: Duration) -> String {
    let end = chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| Utc::now().checked_add_signed(d));
    match end {
        Some(t) => t.format("%H:%M:%S UTC").to_string(),
        None => "later".into(),
    }
}

/// The URL without its query (queries never hold secrets here, but keep messages short).
fn strip_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or(url).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::transport::FnTransport;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A client whose transport answers from `script` in order (the last answer repeats),
    /// with a recording sleeper and a recorded notifier.
    fn scripted(
        script: Vec<Result<Response, TransportError>>,
    ) -> (
        HttpClient,
        RecordingSleeper,
        Arc<AtomicUsize>,
        Arc<Mutex<Vec<String>>>,
    ) {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let transport = FnTransport::new(move |_req: &Request| {
            let i = c.fetch_add(1, Ordering::SeqCst);
            script[i.min(script.len() - 1)].clone()
        });
        let sleeper = RecordingSleeper::new();
        let notes = Arc::new(Mutex::new(Vec::new()));
        let n = notes.clone();
        let client = HttpClient::new(transport)
            .with_sleeper(sleeper.clone())
            .with_notifier(move |m| n.lock().unwrap().push(m.to_string()));
        (client, sleeper, calls, notes)
    }

    fn secs(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|s| Duration::from_secs(*s)).collect()
    }

    fn dropped() -> Result<Response, TransportError> {
        Err(TransportError::new(
            TransportErrorKind::Dropped,
            "connection reset",
        ))
    }

    #[test]
    fn retries_5xx_with_backoff_then_succeeds() {
        let (c, sleeper, calls, _) = scripted(vec![
            Ok(Response::new(503, "")),
            Ok(Response::new(502, "")),
            Ok(Response::new(200, "data")),
        ]);
        let r = c
            .send(Provider::Google, &Request::get("https://h/x"))
            .unwrap();
        assert_eq!(r.body, b"data");
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert_eq!(sleeper.slept(), secs(&[1, 2]));
    }

    #[test]
    fn gives_up_after_max_retries_with_capped_delays() {
        let (c, sleeper, calls, _) = scripted(vec![Ok(Response::new(500, "boom"))]);
        let c = c.with_policy(RetryPolicy {
            max_delay: Duration::from_secs(4),
            ..RetryPolicy::default()
        });
        let e = c
            .send(Provider::Fitbit, &Request::get("https://h/x"))
            .unwrap_err();
        assert!(matches!(e, Error::Api { status: 500, .. }), "{e:?}");
        assert_eq!(calls.load(Ordering::SeqCst), 6);
        assert_eq!(sleeper.slept(), secs(&[1, 2, 4, 4, 4]));

        let (c, _, calls, _) = scripted(vec![dropped()]);
        let e = c
            .send(Provider::Fitbit, &Request::get("https://h/x?date=1"))
            .unwrap_err();
        match e {
            Error::Network { url, message } => {
                assert_eq!(url, "https://h/x");
                assert!(message.contains("gave up after 5 retries"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(calls.load(Ordering::SeqCst), 6);
    }

    #[test]
    fn never_retries_other_4xx() {
        for status in [400, 401, 403, 404, 410] {
            let (c, sleeper, calls, _) = scripted(vec![Ok(Response::new(status, "{}"))]);
            let r = c
                .send(Provider::Fitbit, &Request::get("https://h/x"))
                .unwrap();
            assert_eq!(r.status, status);
            assert_eq!(calls.load(Ordering::SeqCst), 1);
            assert!(sleeper.slept().is_empty());
        }
    }

    #[test]
    fn fitbit_429_waits_for_the_reset_header_plus_margin_and_announces_it() {
        let limited = Response::new(
            429,
            r#"{"errors":[{"errorType":"system","message":"Too Many Requests"}]}"#,
        )
        .with_header("Retry-After", "1")
        .with_header("Fitbit-rate-limit-limit", "150")
        .with_header("Fitbit-rate-limit-remaining", "0")
        .with_header("Fitbit-rate-limit-reset", "715");
        let ok = Response::new(200, "")
            .with_header("Fitbit-rate-limit-limit", "150")
            .with_header("Fitbit-rate-limit-remaining", "149")
            .with_header("Fitbit-rate-limit-reset", "3599");
        let (c, sleeper, _, notes) = scripted(vec![Ok(limited), Ok(ok)]);
        c.send(Provider::Fitbit, &Request::get("https://h/x"))
            .unwrap();
        assert_eq!(sleeper.slept(), secs(&[725]));
        let notes = notes.lock().unwrap();
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].starts_with(
                "Fitbit rate limit reached (150 requests/hour): waiting 12 min 5 s, until "
            ),
            "{}",
            notes[0]
        );
        assert!(notes[0].contains(" UTC"));
        assert_eq!(
            c.last_rate_limit(),
            Some(RateLimit {
                limit: Some(150),
                remaining: Some(149),
                reset_secs: Some(3599)
            })
        );
    }

    #[test]
    fn fitbit_429_without_reset_uses_retry_after_and_google_uses_retry_after_or_backoff() {
        let r = Response::new(429, "").with_header("retry-after", "30");
        let (c, sleeper, _, _) = scripted(vec![Ok(r.clone()), Ok(Response::new(200, ""))]);
        c.send(Provider::Fitbit, &Request::get("u")).unwrap();
        assert_eq!(sleeper.slept(), secs(&[40]));

        let (c, sleeper, _, notes) = scripted(vec![Ok(r), Ok(Response::new(200, ""))]);
        c.send(Provider::Google, &Request::get("u")).unwrap();
        assert_eq!(sleeper.slept(), secs(&[30]));
        assert!(notes.lock().unwrap()[0].starts_with("Google Health API rate limit reached"));

        let (c, sleeper, _, notes) =
            scripted(vec![Ok(Response::new(429, "")), Ok(Response::new(200, ""))]);
        c.send(Provider::Google, &Request::get("u")).unwrap();
        assert_eq!(sleeper.slept(), secs(&[1]));
        assert!(
            notes.lock().unwrap().is_empty(),
            "short waits are not announced"
        );
    }

    #[test]
    fn post_is_retried_only_when_it_surely_did_not_arrive() {
        let post = Request::post_form("https://h/oauth2/token", &[("grant_type", "refresh_token")]);
        let (c, _, calls, _) = scripted(vec![dropped()]);
        assert!(matches!(
            c.send(Provider::Fitbit, &post),
            Err(Error::Network { .. })
        ));
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let timeout = Err(TransportError::new(
            TransportErrorKind::Timeout,
            "timed out",
        ));
        let (c, _, calls, _) = scripted(vec![timeout]);
        assert!(c.send(Provider::Fitbit, &post).is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let refused = Err(TransportError::new(TransportErrorKind::Connect, "refused"));
        let (c, _, calls, _) = scripted(vec![
            refused,
            Ok(Response::new(503, "")),
            Ok(Response::new(200, "t")),
        ]);
        assert_eq!(c.send(Provider::Fitbit, &post).unwrap().body, b"t");
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        let (c, _, calls, _) = scripted(vec![Ok(Response::new(429, ""))]);
        assert!(c.send(Provider::Fitbit, &post).is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn gets_retry_timeouts_and_drops() {
        let timeout = Err(TransportError::new(
            TransportErrorKind::Timeout,
            "timed out",
        ));
        let (c, sleeper, _, _) = scripted(vec![timeout, dropped(), Ok(Response::new(200, "x"))]);
        assert_eq!(
            c.send(Provider::Google, &Request::get("u")).unwrap().body,
            b"x"
        );
        assert_eq!(sleeper.slept(), secs(&[1, 2]));
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(Duration::from_secs(45)), "45 s");
        assert_eq!(human_duration(Duration::from_secs(725)), "12 min 5 s");
        assert_eq!(human_duration(Duration::from_secs(3610)), "1 h 0 min 10 s");
        assert_eq!(human_duration(Duration::from_millis(1500)), "2 s");
    }
}
