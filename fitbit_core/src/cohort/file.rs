//! The cohort file: `participant,config[,start,end]`, one participant a line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::store::UserId;
use crate::{Error, Result};

/// The client template next to the cohort file: an `fb_conf.json` without tokens whose client
/// id and secret, provider and redirect URI `fitbit auth --cohort` (an
/// [`Enrollment`](super::Enrollment)) copies into a new participant's config, never its tokens.
pub const CLIENT_TEMPLATE: &str = "cohort_client.json";

/// One participant of a study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// The pseudonym (the `user=` partition key).
    pub id: UserId,
    /// The participant's config, resolved against the cohort file's folder.
    pub config: PathBuf,
    /// First day of the collection window, if the study set one.
    pub start: Option<NaiveDate>,
    /// Last day of the collection window, if the study set one.
    pub end: Option<NaiveDate>,
    /// The line of the cohort file (for messages).
    pub line: u64,
}

/// A study's participants, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cohort {
    path: PathBuf,
    participants: Vec<Participant>,
}

#[derive(Deserialize)]
struct Row {
    participant: String,
    config: String,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
}

impl Cohort {
    /// Reads and checks the cohort file: ids valid and unique, configs unique, dates valid and
    /// in order. Errors name the line.
    pub fn load(path: impl AsRef<Path>) -> Result<Cohort> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Cohort::parse(&text, path)
    }

    /// [`Cohort::load`] from text; `path` names the file and anchors relative configs.
    pub fn parse(text: &str, path: &Path) -> Result<Cohort> {
        let dir = path.parent().unwrap_or(Path::new(""));
        let bad = |line: u64, problem: String| Error::InvalidInput {
            what: format!("{} line {line}", path.display()),
            hint: problem,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
        if !headers.iter().any(|h| h == "participant") || !headers.iter().any(|h| h == "config") {
            return Err(bad(
                1,
                "the header must be participant,config[,start,end]".into(),
            ));
        }
        let mut participants: Vec<Participant> = Vec::new();
        let mut ids: HashMap<UserId, u64> = HashMap::new();
        let mut configs: HashMap<PathBuf, u64> = HashMap::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| bad(e.position().map_or(0, |p| p.line()), e.to_string()))?;
            let line = rec.position().map_or(0, |p| p.line());
            let row: Row = rec
                .deserialize(Some(&headers))
                .map_err(|e| bad(line, format!("{e}")))?;
            let id = UserId::new(row.participant.clone())
                .map_err(|e| bad(line, format!("participant: {e}")))?;
            if let Some(first) = ids.insert(id.clone(), line) {
                return Err(bad(
                    line,
                    format!("participant {id} is already on line {first}: ids must be unique"),
                ));
            }
            if row.config.is_empty() {
                return Err(bad(line, format!("participant {id} has no config path")));
            }
            let config = dir.join(&row.config);
            if let Some(first) = configs.insert(config.clone(), line) {
                return Err(bad(
                    line,
                    format!(
                        "config {} is already used on line {first}: every participant needs their own",
                        row.config
                    ),
                ));
            }
            let date = |s: &Option<String>, what: &str| -> Result<Option<NaiveDate>> {
                match s.as_deref().filter(|s| !s.is_empty()) {
                    None => Ok(None),
                    Some(s) => s.parse().map(Some).map_err(|_| {
                        bad(line, format!("{what} {s:?} is not a date like 2026-10-01"))
                    }),
                }
            };
            let (start, end) = (date(&row.start, "start")?, date(&row.end, "end")?);
            if let (Some(a), Some(b)) = (start, end) {
                crate::time::check_range(a, b).map_err(|e| bad(line, e.to_string()))?;
            }
            participants.push(Participant {
                id,
                config,
                start,
                end,
                line,
            });
        }
        Ok(Cohort {
            path: path.to_path_buf(),
            participants,
        })
    }

    /// The cohort file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder relative configs and [`CLIENT_TEMPLATE`] are found in.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }

    /// The participants, in file order.
    pub fn participants(&self) -> &[Participant] {
        &self.participants
    }

    /// The participant `id`, or an error saying how to add them.
    pub fn participant(&self, id: &str) -> Result<&Participant> {
        self.participants
            .iter()
            .find(|p| p.id.as_str() == id)
            .ok_or_else(|| Error::InvalidInput {
                what: format!("participant {id:?}"),
                hint: format!(
                    "not in {}: add a line `{id},configs/{id}.json` (participant,config[,start,end]) \
                     to it, then run the command again",
                    self.path.display()
                ),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> Result<Cohort> {
        Cohort::parse(t, Path::new("study/cohort.csv"))
    }

    #[test]
    fn reads_ids_configs_and_windows() {
        let c = parse(
            "participant,config,start,end\nP01,c/P01.json,2026-10-01,2026-10-05\nP02, c/P02.json ,,\n",
        )
        .unwrap();
        let p = c.participants();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].id.as_str(), "P01");
        assert_eq!(p[0].config, Path::new("study/c/P01.json"));
        assert_eq!(p[0].start, Some("2026-10-01".parse().unwrap()));
        assert_eq!(p[1].end, None);
        assert_eq!(p[1].line, 3);
        // Two columns are enough.
        assert_eq!(
            parse("participant,config\nA,a.json\n")
                .unwrap()
                .participants()
                .len(),
            1
        );
    }

    #[test]
    fn duplicates_and_bad_ids_name_the_line() {
        let e = parse("participant,config\nP01,a.json\nP01,b.json\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("line 2"), "{e}");
        let e = parse("participant,config\nP01,a.json\nP02,a.json\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("own"), "{e}");
        let e = parse("participant,config\nanna@example.org,a.json\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        let e = parse("participant,config,start\nP01,a.json,October\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("October"), "{e}");
        assert!(parse("id,file\nP01,a.json\n").is_err());
    }

    #[test]
    fn an_unknown_participant_says_how_to_add_them() {
        let c = parse("participant,config\nP01,a.json\n").unwrap();
        let e = c.participant("P09").unwrap_err().to_string();
        assert!(e.contains("P09,configs/P09.json"), "{e}");
    }
}
