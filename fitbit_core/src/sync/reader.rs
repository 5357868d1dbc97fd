//! One call for notebooks: sync a range into a store ([`Store::sync`]), and [`Reader`], which
//! fetches by the day from the API directly or through a store (sync the days asked for, then
//! read them back), returning the same records either way.

use std::path::Path;

use chrono::NaiveDate;

use super::{SyncOptions, SyncReport, sync};
use crate::record::{DailyHr, DailyHrv, Detail, HrSample, HrvSample};
use crate::store::{Dataset, Store, UserId};
use crate::{Client, Result, table};

impl Store {
    /// Syncs `client`'s account into this store for the local days `start..=end`, every
    /// dataset, fetching only what is missing or provisional: `fitbit sync --start --end`.
    /// The account's data goes to `user=` [`Client::store_user`].
    ///
    /// ```no_run
    /// use fitbit_core::{Client, store::Store, chrono::NaiveDate};
    /// let mut client = Client::open_or_demo("fb_conf.json")?;
    /// let store = Store::open("hr-store")?;
    /// let day = |d| NaiveDate::from_ymd_opt(2026, 9, d).unwrap();
    /// let report = store.sync(&mut client, day(1), day(30))?;
    /// println!("{} requests, {} rows; {} days were already there", report.requests, report.rows,
    ///          report.plan.complete.values().sum::<u64>());
    /// # Ok::<(), fitbit_core::Error>(())
    /// ```
    pub fn sync(
        &self,
        client: &mut Client,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<SyncReport> {
        let opts = SyncOptions {
            start: Some(start),
            end: Some(end),
            ..SyncOptions::default()
        };
        self.sync_with(client, &opts)
    }

    /// [`Store::sync`] with every option of [`SyncOptions`].
    pub fn sync_with(&self, client: &mut Client, opts: &SyncOptions) -> Result<SyncReport> {
        let user = client.store_user()?;
        sync(client, self, &user, opts, &mut |_| {})
    }
}

/// Heart rate and HRV by the day, as [`Client`] fetches them, from the API directly or through
/// a store. Through a store each call first syncs the days it asks for (only those missing or
/// provisional: a second call over complete days sends no request), then reads them from the
/// store, so the records (and every table, CSV and plot made from them) are the API's.
/// A dataset the sync could not fetch (a missing scope, a 403) is this call's error.
///
/// ```no_run
/// use fitbit_core::{Client, Detail, sync::Reader, chrono::NaiveDate};
/// let client = Client::open_or_demo("fb_conf.json")?;
/// let store = std::env::var("FITBIT_STORE").ok();   // None: straight from the API
/// let mut reader = Reader::new(client, store)?;
/// let day = NaiveDate::from_ymd_opt(2026, 9, 25).unwrap();
/// let hr = reader.heart_rate_intraday(day, Detail::OneSecond)?;
/// # Ok::<(), fitbit_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Reader {
    client: Client,
    store: Option<(Store, UserId)>,
    last_sync: Option<SyncReport>,
}

impl Reader {
    /// Through the store at `store` (opened, or created, mode 0700) when given, else from the
    /// API.
    pub fn new(client: Client, store: Option<impl AsRef<Path>>) -> Result<Reader> {
        let store = match store {
            Some(dir) => {
                let user = client.store_user()?;
                Some((Store::open(dir)?, user))
            }
            None => None,
        };
        Ok(Reader {
            client,
            store,
            last_sync: None,
        })
    }

    /// The store read through, if any.
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref().map(|(s, _)| s)
    }

    /// The `user=` partition this account is stored under, when reading through a store.
    pub fn user(&self) -> Option<&UserId> {
        self.store.as_ref().map(|(_, u)| u)
    }

    /// The report of the last sync (through a store only): its requests, rows and plan.
    pub fn last_sync(&self) -> Option<&SyncReport> {
        self.last_sync.as_ref()
    }

    /// The client (token state, the provider).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The client, mutably (requests counters, token refresh).
    pub fn client_mut(&mut self) -> &mut Client {
        &mut self.client
    }

    /// Intraday heart rate for one local day ([`Client::heart_rate_intraday`]).
    pub fn heart_rate_intraday(&mut self, day: NaiveDate, detail: Detail) -> Result<Vec<HrSample>> {
        match self.synced(Dataset::HeartRate, day, day, detail)? {
            Some(df) => table::hr_samples(&df),
            None => self.client.heart_rate_intraday(day, detail),
        }
    }

    /// Resting heart rate per local day ([`Client::heart_rate_daily`]).
    pub fn heart_rate_daily(&mut self, start: NaiveDate, end: NaiveDate) -> Result<Vec<DailyHr>> {
        match self.synced(Dataset::RestingHeartRate, start, end, Detail::default())? {
            Some(df) => table::daily_hr(&df),
            None => self.client.heart_rate_daily(start, end),
        }
    }

    /// Nightly HRV ([`Client::hrv_daily`]).
    pub fn hrv_daily(&mut self, start: NaiveDate, end: NaiveDate) -> Result<Vec<DailyHrv>> {
        match self.synced(Dataset::HrvDaily, start, end, Detail::default())? {
            Some(df) => table::daily_hrv(&df),
            None => self.client.hrv_daily(start, end),
        }
    }

    /// HRV during sleep ([`Client::hrv_intraday`]).
    pub fn hrv_intraday(&mut self, start: NaiveDate, end: NaiveDate) -> Result<Vec<HrvSample>> {
        match self.synced(Dataset::HrvIntraday, start, end, Detail::default())? {
            Some(df) => table::hrv_samples(&df),
            None => self.client.hrv_intraday(start, end),
        }
    }

    /// Without a store: `None`. With one: syncs `dataset` for `start..=end`, then reads it.
    fn synced(
        &mut self,
        dataset: Dataset,
        start: NaiveDate,
        end: NaiveDate,
        detail: Detail,
    ) -> Result<Option<polars::prelude::DataFrame>> {
        let Some((store, user)) = &self.store else {
            return Ok(None);
        };
        crate::time::check_range(start, end)?;
        let opts = SyncOptions {
            start: Some(start),
            end: Some(end),
            datasets: vec![dataset],
            detail,
            ..SyncOptions::default()
        };
        let mut report = sync(&mut self.client, store, user, &opts, &mut |_| {})?;
        let failure = (!report.failures.is_empty()).then(|| report.failures.remove(0));
        self.last_sync = Some(report);
        if let Some(f) = failure {
            return Err(f.error);
        }
        Ok(Some(store.read(dataset, user, start, end)?))
    }
}
