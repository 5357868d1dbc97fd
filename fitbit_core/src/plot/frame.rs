//! The frame every chart shares: SVG canvas, white background, caption, axes with labels,
//! and the legend box drawn after the chart's own series.

use std::ops::Range;

use plotters::chart::SeriesAnno;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::{SIZE, Svg, plot_error};
use crate::Result;

/// The chart a [`Frame`] hands to its drawing closure: f64 x and y on an SVG backend.
pub(super) type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// What differs between the charts' frames; everything else is drawn the same way.
pub(super) struct Frame<'a> {
    /// The caption above the plot.
    pub title: &'a str,
    /// The x range drawn.
    pub x: Range<f64>,
    /// The y range drawn (see [`padded_y_range`]).
    pub y: Range<f64>,
    /// How many x labels plotters should aim for.
    pub x_labels: usize,
    /// The text of the x tick at a position.
    pub x_label: &'a dyn Fn(&f64) -> String,
    /// The x axis description, if any.
    pub x_desc: Option<&'a str>,
    /// The y axis description.
    pub y_desc: &'a str,
}

impl Frame<'_> {
    /// Draws the frame, lets `draw` add the series (with their legend entries), then the legend
    /// box in the upper right, and returns the SVG.
    pub(super) fn render(self, draw: impl FnOnce(&mut Chart<'_, '_>) -> Result<()>) -> Result<Svg> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            root.fill(&WHITE).map_err(plot_error)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(self.title, ("sans-serif", 20))
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(50)
                .build_cartesian_2d(self.x, self.y)
                .map_err(plot_error)?;
            let y_label = |y: &f64| format!("{y:.0}");
            let mut mesh = chart.configure_mesh();
            mesh.x_labels(self.x_labels)
                .x_label_formatter(self.x_label)
                .y_label_formatter(&y_label)
                .y_desc(self.y_desc)
                .light_line_style(WHITE.mix(0.0));
            if let Some(desc) = self.x_desc {
                mesh.x_desc(desc);
            }
            mesh.draw().map_err(plot_error)?;

            draw(&mut chart)?;

            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.3))
                .draw()
                .map_err(plot_error)?;
            root.present().map_err(plot_error)?;
        }
        Ok(Svg(svg))
    }
}

/// The y range for values whose minimum comes from `lows` and maximum from `highs`: 5 units
/// of padding each side, never below 0.
pub(super) fn padded_y_range(
    lows: impl IntoIterator<Item = f64>,
    highs: impl IntoIterator<Item = f64>,
) -> Range<f64> {
    let lo = lows.into_iter().fold(f64::INFINITY, f64::min);
    let hi = highs.into_iter().fold(f64::NEG_INFINITY, f64::max);
    (lo - 5.0).max(0.0)..hi + 5.0
}

/// A legend key: a 20 px horizontal line in `style`.
pub(super) fn line_key(style: ShapeStyle) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style)
}

/// Draws one run of points as a line, or as a single dot of `dot_radius` in `dot` when the run
/// has only one point (a one-point line would be invisible).
pub(super) fn draw_run<'c, 'a, 'b>(
    chart: &'c mut Chart<'a, 'b>,
    run: &[(f64, f64)],
    line: ShapeStyle,
    dot_radius: i32,
    dot: ShapeStyle,
) -> Result<&'c mut SeriesAnno<'a, SVGBackend<'b>>> {
    if run.len() == 1 {
        chart.draw_series(run.iter().map(|&p| Circle::new(p, dot_radius, dot)))
    } else {
        chart.draw_series(LineSeries::new(run.iter().copied(), line))
    }
    .map_err(plot_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_range_is_padded_and_never_negative() {
        assert_eq!(padded_y_range([60.0, 3.0], [80.0, 70.0]), 0.0..85.0);
        assert_eq!(padded_y_range([60.0], [80.0]), 55.0..85.0);
    }
}
