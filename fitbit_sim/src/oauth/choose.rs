//! Which account an authorize request signs in: the OAuth `login_hint` (an e-mail address or
//! the user id; docs/google-health-api.md §3.1), otherwise the only account, otherwise a
//! "Choose an account" page whose links repeat the request with `login_hint` added.

use std::collections::HashMap;

use super::{get, pct, redirect_to};
use crate::control::Shared;
use crate::http1::{Request, Response};

/// The outcome of account selection.
#[derive(Debug)]
pub enum Selection {
    /// This account signs in.
    Account(usize),
    /// Several accounts and no hint: show this page (200).
    Chooser(Response),
    /// The hint names no account.
    Unknown,
}

/// Pick the account of an authorize request.
pub fn select(sh: &Shared, req: &Request, p: &HashMap<String, String>) -> Selection {
    if let Some(hint) = get(p, "login_hint") {
        return match sh.accounts.iter().position(|a| a.matches_hint(hint)) {
            Some(k) => Selection::Account(k),
            None => Selection::Unknown,
        };
    }
    if sh.accounts.len() == 1 {
        return Selection::Account(0);
    }
    Selection::Chooser(chooser(sh, req))
}

/// The error redirect for a hint that names no account: `error=access_denied` (and `state`), as
/// when the user does not approve (RFC 6749 §4.1.2.1; docs/google-health-api.md §3.1).
pub fn unknown_hint(target: &str, p: &HashMap<String, String>, fragment: Option<&str>) -> Response {
    let mut pairs = vec![("error", "access_denied")];
    if let Some(s) = p.get("state") {
        pairs.push(("state", s.as_str()));
    }
    redirect_to(target, &pairs, fragment)
}

fn chooser(sh: &Shared, req: &Request) -> Response {
    let base = if req.query.is_empty() {
        format!("{}?", req.path)
    } else {
        format!("{}?{}&", req.path, req.query)
    };
    let attr = |s: &str| {
        s.replace('"', "%22")
            .replace('<', "%3C")
            .replace('>', "%3E")
    };
    let mut html = String::with_capacity(200 + sh.accounts.len() * (base.len() + 80));
    html.push_str(
        "<!DOCTYPE html>\n<html><head><title>Choose an account</title></head><body><h1>Choose an account</h1><ul>\n",
    );
    for a in &sh.accounts {
        html.push_str(&format!(
            "<li><a class=\"account\" href=\"{}login_hint={}\">{}</a></li>\n",
            attr(&base),
            pct(&a.email),
            a.email
        ));
    }
    html.push_str("</ul></body></html>\n");
    Response::new(200, "text/html; charset=UTF-8", html)
}
