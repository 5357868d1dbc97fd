//! `fb_conf.json`: load, validate, atomic save (temp file, fsync, rename, 0600), advisory lock.
