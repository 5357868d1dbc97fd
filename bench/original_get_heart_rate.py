"""The original Python path, for the side-by-side benchmark.

This is what sunfish256/fitbit-api-python's get_heart_rate.ipynb did (requests + pandas):
GET the intraday day, build a DataFrame, add `timestamp = date + ' ' + time`, rename `value` to
`heartrate`, write `Fitbit_HR_{DATE}.csv` with columns `timestamp,heartrate`.
Usage: original_get_heart_rate.py BASE_URL ACCESS_TOKEN DATE DETAIL OUT_DIR
"""
import os
import sys

import pandas as pd
import requests


def hr2csv(base, token, date, freq, out_dir):
    url = f"{base}/1/user/-/activities/heart/date/{date}/1d/{freq}.json"
    res = requests.get(url, headers={"Authorization": "Bearer " + token})
    res.raise_for_status()
    data = res.json()["activities-heart-intraday"]["dataset"]
    df = pd.DataFrame(data)
    df.insert(0, "timestamp", pd.to_datetime(date + " " + df["time"]))
    df = df.drop("time", axis=1).rename(columns={"value": "heartrate"})
    df.to_csv(os.path.join(out_dir, f"Fitbit_HR_{date}.csv"), index=False)
    return df


if __name__ == "__main__":
    base, token, date, freq, out_dir = sys.argv[1:6]
    os.makedirs(out_dir, exist_ok=True)
    df = hr2csv(base, token, date, freq, out_dir)
    print(len(df))
