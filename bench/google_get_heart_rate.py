"""A requests + pandas client of the Google Health API v4, for the side-by-side benchmark.

It does the job of `fitbit heart-rate --date DATE` on a Google account: read the user's time
zone (`/v4/users/me/settings`), page `heart-rate` dataPoints over the local day (pageSize 10000,
following nextPageToken; compact JSON with prettyPrint=false, as the Rust client asks), build a DataFrame and write `Fitbit_HR_{DATE}.csv` with the CLI's
columns (timestamp, heartrate, timestamp_utc, utc_offset, confidence), ascending; then the day's
resting heart rate to `Fitbit_RestingHR_{DATE}.csv`. Plain, idiomatic code: the
responses' `.json()`, one list comprehension over the points, vectorised pandas for the rest.
Usage: google_get_heart_rate.py BASE_URL ACCESS_TOKEN DATE OUT_DIR
"""
import datetime as dt
import os
import sys
from zoneinfo import ZoneInfo

import pandas as pd
import requests


def day_bounds(date, tz):
    """The UTC instants of local midnight of `date` and of the day after."""
    d = dt.date.fromisoformat(date)
    start = dt.datetime.combine(d, dt.time(), tzinfo=ZoneInfo(tz))
    end = dt.datetime.combine(d + dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(tz))
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return (start.astimezone(dt.timezone.utc).strftime(fmt),
            end.astimezone(dt.timezone.utc).strftime(fmt))


def list_all(session, base, data_type, flt):
    """Every data point of a list query, over all pages."""
    points, token = [], None
    while True:
        params = {"filter": flt, "pageSize": 10000, "prettyPrint": "false"}
        if token:
            params["pageToken"] = token
        res = session.get(f"{base}/v4/users/me/dataTypes/{data_type}/dataPoints", params=params)
        res.raise_for_status()
        page = res.json()
        points.extend(page.get("dataPoints", []))
        token = page.get("nextPageToken")
        if not token:
            return points


def hr2csv(base, token, date, out_dir):
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + token
    res = session.get(f"{base}/v4/users/me/settings")
    res.raise_for_status()
    tz = res.json()["timeZone"]
    start, end = day_bounds(date, tz)
    flt = (f'heart_rate.sample_time.physical_time >= "{start}" AND '
           f'heart_rate.sample_time.physical_time < "{end}"')
    points = list_all(session, base, "heart-rate", flt)
    rows = [(p["heartRate"]["sampleTime"]["physicalTime"], p["heartRate"]["sampleTime"]["utcOffset"],
             int(p["heartRate"]["beatsPerMinute"])) for p in points]
    df = pd.DataFrame(rows, columns=["physical", "offset", "heartrate"])
    utc = pd.to_datetime(df["physical"], utc=True, format="ISO8601").dt.tz_localize(None)
    secs = df["offset"].str.rstrip("s").astype(int)
    df = pd.DataFrame({
        "timestamp": (utc + pd.to_timedelta(secs, unit="s")).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "heartrate": df["heartrate"],
        "timestamp_utc": utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "utc_offset": secs.map(lambda s: f"{'-' if s < 0 else '+'}{abs(s) // 3600:02}:{abs(s) % 3600 // 60:02}"),
        "confidence": None,
        "_utc": utc,
    }).sort_values("_utc", kind="stable").drop(columns="_utc")
    df.to_csv(os.path.join(out_dir, f"Fitbit_HR_{date}.csv"), index=False)

    d = dt.date.fromisoformat(date)
    flt = (f'daily_resting_heart_rate.date >= "{d}" AND '
           f'daily_resting_heart_rate.date < "{d + dt.timedelta(days=1)}"')
    resting = [(dt.date(**p["dailyRestingHeartRate"]["date"]).isoformat(),
                float(p["dailyRestingHeartRate"]["beatsPerMinute"]))
               for p in list_all(session, base, "daily-resting-heart-rate", flt)]
    pd.DataFrame(resting, columns=["date", "resting_heart_rate"]).to_csv(
        os.path.join(out_dir, f"Fitbit_RestingHR_{date}.csv"), index=False)
    return df


if __name__ == "__main__":
    base, token, date, out_dir = sys.argv[1:5]
    os.makedirs(out_dir, exist_ok=True)
    print(len(hr2csv(base, token, date, out_dir)))
