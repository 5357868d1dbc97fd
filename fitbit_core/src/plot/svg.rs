//! The rendered chart: an SVG document.

use std::path::{Path, PathBuf};

use crate::Result;

/// An SVG chart. In notebooks it renders inline (as `text/html`, which every Jupyter front end
/// shows); [`Svg::save`] writes it to a file.
#[derive(Clone, PartialEq, Eq)]
pub struct Svg(pub String);

impl Svg {
    /// Prints the evcxr rich-output block. Uses `text/html` (the SVG inline), as plotters' own
    /// `evcxr_figure` does.
    pub fn evcxr_display(&self) {
        crate::display::print_evcxr_block("text/html", &self.0);
    }

    /// Writes the SVG to `path` atomically and returns the absolute path.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<PathBuf> {
        crate::atomic::replace_with(path.as_ref(), crate::atomic::Care::Output, |file| {
            use std::io::Write;
            file.write_all(self.0.as_bytes())
        })
    }
}

/// The SVG markup.
impl std::fmt::Display for Svg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `Svg(<n> bytes)`: markup is not useful as plain text.
impl std::fmt::Debug for Svg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Svg({} bytes of image/svg+xml)", self.0.len())
    }
}
